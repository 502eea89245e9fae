package io.geomlens.cli.render;

import java.awt.image.BufferedImage;
import java.util.Map;

/**
 * A 5x7 pixel font for labels (digits, signs, a few letters), drawn pixel by pixel so images
 * render the same on headless machines without installed fonts.
 */
public final class BitmapFont {
    private static final Map<Character, String[]> GLYPHS = Map.ofEntries(
            Map.entry('0', new String[] {"01110", "10001", "10011", "10101", "11001", "10001", "01110"}),
            Map.entry('1', new String[] {"00100", "01100", "00100", "00100", "00100", "00100", "01110"}),
            Map.entry('2', new String[] {"01110", "10001", "00001", "00010", "00100", "01000", "11111"}),
            Map.entry('3', new String[] {"11110", "00001", "00001", "01110", "00001", "00001", "11110"}),
            Map.entry('4', new String[] {"00010", "00110", "01010", "10010", "11111", "00010", "00010"}),
            Map.entry('5', new String[] {"11111", "10000", "11110", "00001", "00001", "10001", "01110"}),
            Map.entry('6', new String[] {"00110", "01000", "10000", "11110", "10001", "10001", "01110"}),
            Map.entry('7', new String[] {"11111", "00001", "00010", "00100", "01000", "01000", "01000"}),
            Map.entry('8', new String[] {"01110", "10001", "10001", "01110", "10001", "10001", "01110"}),
            Map.entry('9', new String[] {"01110", "10001", "10001", "01111", "00001", "00010", "01100"}),
            Map.entry('.', new String[] {"00000", "00000", "00000", "00000", "00000", "01100", "01100"}),
            Map.entry('-', new String[] {"00000", "00000", "00000", "11111", "00000", "00000", "00000"}),
            Map.entry('+', new String[] {"00000", "00100", "00100", "11111", "00100", "00100", "00000"}),
            Map.entry('e', new String[] {"00000", "00000", "01110", "10001", "11111", "10000", "01110"}),
            Map.entry('p', new String[] {"00000", "00000", "11110", "10001", "11110", "10000", "10000"}),
            Map.entry('s', new String[] {"00000", "00000", "01111", "10000", "01110", "00001", "11110"}),
            Map.entry('i', new String[] {"00100", "00000", "01100", "00100", "00100", "00100", "01110"}),
            Map.entry('n', new String[] {"00000", "00000", "10110", "11001", "10001", "10001", "10001"}),
            Map.entry('u', new String[] {"00000", "00000", "10001", "10001", "10001", "10011", "01101"}),
            Map.entry('d', new String[] {"00001", "00001", "01101", "10011", "10001", "10001", "01111"}),
            Map.entry('l', new String[] {"01100", "00100", "00100", "00100", "00100", "00100", "01110"}),
            Map.entry('t', new String[] {"01000", "01000", "11100", "01000", "01000", "01001", "00110"}),
            Map.entry('a', new String[] {"00000", "00000", "01110", "00001", "01111", "10001", "01111"}),
            Map.entry('b', new String[] {"10000", "10000", "10110", "11001", "10001", "10001", "11110"}),
            Map.entry('r', new String[] {"00000", "00000", "10110", "11001", "10000", "10000", "10000"}),
            Map.entry('k', new String[] {"10000", "10000", "10010", "10100", "11000", "10100", "10010"}),
            Map.entry('=', new String[] {"00000", "00000", "11111", "00000", "11111", "00000", "00000"}),
            Map.entry(' ', new String[] {"00000", "00000", "00000", "00000", "00000", "00000", "00000"}));

    public static final int WIDTH = 6;
    public static final int HEIGHT = 7;

    private BitmapFont() {}

    /** Draws text with its top-left corner at (x, y), each font pixel scale x scale; unknown chars are skipped. */
    public static void draw(BufferedImage img, String text, int x, int y, int scale, int rgb) {
        for (int c = 0; c < text.length(); c++) {
            String[] g = GLYPHS.get(text.charAt(c));
            if (g != null) {
                for (int row = 0; row < HEIGHT; row++) {
                    for (int col = 0; col < 5; col++) {
                        if (g[row].charAt(col) == '1') {
                            fill(img, x + (c * WIDTH + col) * scale, y + row * scale, scale, rgb);
                        }
                    }
                }
            }
        }
    }

    public static int width(String text, int scale) {
        return text.length() * WIDTH * scale;
    }

    private static void fill(BufferedImage img, int x, int y, int s, int rgb) {
        for (int i = 0; i < s; i++) {
            for (int j = 0; j < s; j++) {
                int px = x + j;
                int py = y + i;
                if (px >= 0 && py >= 0 && px < img.getWidth() && py < img.getHeight()) {
                    img.setRGB(px, py, rgb);
                }
            }
        }
    }
}
