// Kernel simulator runtime (see cuda_runtime.h beside it): the built-in variables, the grid
// loop, and fibers for the blocks of cooperative kernels. A block's threads are fibers on one
// OS thread; a fiber runs until it reaches a barrier (__syncthreads: the whole block; a warp
// shuffle: its warp), and the scheduler releases a barrier once every live thread it spans
// waits there. Threads stuck at different barriers are reported as a deadlock, not hung on.
#include <sys/mman.h>

#include "device.hpp"

#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
// Frames of abandoned or never-returning fibers stay poisoned; a reused stack starts clean.
#define GEOMLENS_SIM_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
// Tell ASan of every stack switch, so it knows which stack a throw or a return unwinds.
#define GEOMLENS_SIM_LEAVING(save, bottom, size) __sanitizer_start_switch_fiber(save, bottom, size)
#define GEOMLENS_SIM_ARRIVED(save, bottom, size) __sanitizer_finish_switch_fiber(save, bottom, size)
#else
#define GEOMLENS_SIM_UNPOISON(p, n) ((void)(p), (void)(n))
#define GEOMLENS_SIM_LEAVING(save, bottom, size) ((void)(save), (void)(bottom), (void)(size))
#define GEOMLENS_SIM_ARRIVED(save, bottom, size) ((void)(save), (void)(bottom), (void)(size))
#endif

#if !defined(__x86_64__)
#error "the kernel simulator's fiber switch is written for x86-64"
#endif

// Saves the callee-saved registers on the current stack, stores its pointer in *save_sp, and
// resumes the fiber whose registers were saved at new_sp (System V x86-64).
extern "C" void geomlens_sim_switch(void** save_sp, void* new_sp);
asm(R"(
    .text
    .p2align 4
    .globl geomlens_sim_switch
    .hidden geomlens_sim_switch
    .type geomlens_sim_switch, @function
geomlens_sim_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size geomlens_sim_switch, .-geomlens_sim_switch
)");

namespace sim {
namespace {

constexpr size_t kStackBytes = 64 * 1024;
constexpr size_t kGuardBytes = 4096;
constexpr unsigned kWarp = 32;
constexpr size_t kSlotBytes = 16;

enum class Wait { none, block, warp };

struct Fiber {
    void* sp = nullptr;
    void* asan_fake_stack = nullptr;
    Wait wait = Wait::none;
    bool done = false;
};

struct Block {
    const std::function<void()>* body = nullptr;
    std::vector<Fiber> fibers;
    std::vector<unsigned char> slots;  // one kSlotBytes value per thread, for shuffles
    void* scheduler_sp = nullptr;
    const void* scheduler_stack = nullptr;  // bottom and size of the scheduler's stack, for ASan
    size_t scheduler_stack_bytes = 0;
    unsigned current = 0;
    std::exception_ptr error;
};

thread_local ThreadState current_state;
thread_local Block* active = nullptr;

// Fiber stacks with a PROT_NONE page below each, kept for the OS thread's later launches.
struct Stacks {
    char* base = nullptr;
    size_t count = 0;
    ~Stacks() {
        if (base) munmap(base, count * (kStackBytes + kGuardBytes));
    }
    char* top(size_t i) { return base + (i + 1) * (kStackBytes + kGuardBytes); }
    void reserve(size_t n) {
        if (n <= count) return;
        if (base) munmap(base, count * (kStackBytes + kGuardBytes));
        base = nullptr;
        count = 0;
        size_t bytes = n * (kStackBytes + kGuardBytes);
        void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) throw std::bad_alloc();
        base = static_cast<char*>(p);
        count = n;
        for (size_t i = 0; i < n; i++) mprotect(base + i * (kStackBytes + kGuardBytes), kGuardBytes, PROT_NONE);
    }
};
thread_local Stacks stacks;

uint3 unflatten(unsigned i, const dim3& d) { return {i % d.x, (i / d.x) % d.y, i / (d.x * d.y)}; }

// GEOMLENS_SIM_ORDER=reverse runs blocks, and threads between barriers, last to first: a kernel
// whose result depends on the order (a missing barrier, a race between blocks) then differs
// between the two orders.
bool env_reverse() {
    const char* v = std::getenv("GEOMLENS_SIM_ORDER");
    return v != nullptr && std::string(v) == "reverse";
}
bool reverse = env_reverse();

// The k-th of n in the chosen order.
unsigned ordered(unsigned k, unsigned n) { return reverse ? n - 1 - k : k; }

[[noreturn]] void fiber_main() {
    Block* b = active;
    GEOMLENS_SIM_ARRIVED(nullptr, &b->scheduler_stack, &b->scheduler_stack_bytes);
    try {
        (*b->body)();
    } catch (...) {
        if (!b->error) b->error = std::current_exception();
    }
    b->fibers[b->current].done = true;
    b->fibers[b->current].wait = Wait::none;
    void* unused = nullptr;
    GEOMLENS_SIM_LEAVING(nullptr, b->scheduler_stack, b->scheduler_stack_bytes);  // for good
    geomlens_sim_switch(&unused, b->scheduler_sp);
    __builtin_unreachable();
}

void yield(Wait w) {
    Block* b = active;
    Fiber& f = b->fibers[b->current];
    f.wait = w;
    GEOMLENS_SIM_LEAVING(&f.asan_fake_stack, b->scheduler_stack, b->scheduler_stack_bytes);
    geomlens_sim_switch(&f.sp, b->scheduler_sp);
    GEOMLENS_SIM_ARRIVED(f.asan_fake_stack, &b->scheduler_stack, &b->scheduler_stack_bytes);
}

// Releases every barrier that all the threads it spans have reached. Strict: a thread that has
// returned never arrives, so a barrier after an early return is reported (CUDA leaves it undefined).
void release(Block& b) {
    size_t n = b.fibers.size();
    bool all_at_block = true;
    for (const Fiber& f : b.fibers)
        if (f.wait != Wait::block) all_at_block = false;
    if (all_at_block)
        for (Fiber& f : b.fibers) f.wait = Wait::none;
    for (size_t w0 = 0; w0 < n; w0 += kWarp) {
        size_t w1 = std::min(n, w0 + kWarp);
        bool all_at_warp = true;
        for (size_t i = w0; i < w1; i++)
            if (b.fibers[i].wait != Wait::warp) all_at_warp = false;
        if (all_at_warp)
            for (size_t i = w0; i < w1; i++) b.fibers[i].wait = Wait::none;
    }
}

void run_block_as_fibers(unsigned threads, const std::function<void()>& body) {
    Block b;
    b.body = &body;
    b.fibers.assign(threads, Fiber{});
    b.slots.assign(size_t(threads) * kSlotBytes, 0);
    stacks.reserve(threads);
    for (unsigned i = 0; i < threads; i++) {
        GEOMLENS_SIM_UNPOISON(stacks.top(i) - kStackBytes, kStackBytes);
        // After the switch's six pops, `ret` enters fiber_main with rsp = 8 mod 16, as a call would.
        auto top = reinterpret_cast<uintptr_t>(stacks.top(i)) & ~uintptr_t(15);
        auto* sp = reinterpret_cast<void**>(top - 8 - 8 - 6 * sizeof(void*));
        for (int r = 0; r < 6; r++) sp[r] = nullptr;
        sp[6] = reinterpret_cast<void*>(&fiber_main);
        b.fibers[i].sp = sp;
    }
    Block* outer = active;
    active = &b;
    unsigned live = threads;
    while (live > 0) {
        release(b);
        bool ran = false;
        for (unsigned k = 0; k < threads; k++) {
            unsigned i = ordered(k, threads);
            Fiber& f = b.fibers[i];
            if (f.done || f.wait != Wait::none) continue;
            b.current = i;
            current_state.thread = unflatten(i, current_state.block_dim);
            void* fake = nullptr;
            GEOMLENS_SIM_LEAVING(&fake, stacks.top(i) - kStackBytes, kStackBytes);
            geomlens_sim_switch(&b.scheduler_sp, f.sp);
            GEOMLENS_SIM_ARRIVED(fake, nullptr, nullptr);
            ran = true;
            if (f.done) live--;
            if (b.error) {  // the other threads are abandoned where they stand
                active = outer;
                std::rethrow_exception(b.error);
            }
        }
        if (!ran) {
            active = outer;
            throw std::logic_error("simulator: threads of block " + std::to_string(current_state.block.x) +
                                   " wait at different barriers (a __syncthreads or warp shuffle that not every "
                                   "thread of the block or warp reaches, or reached after others returned)");
        }
    }
    active = outer;
}

bool valid(const Config& c, unsigned threads) {
    return c.grid.x >= 1 && c.grid.x <= 0x7fffffffu && c.grid.y >= 1 && c.grid.y <= 65535 && c.grid.z >= 1 &&
           c.grid.z <= 65535 && threads >= 1 && threads <= 1024 && c.block.z <= 64 && c.shared_bytes <= 48 * 1024;
}

}  // namespace

ThreadState& state() { return current_state; }

void set_reverse_order(bool on) { reverse = on; }

void run_grid(const Config& c, bool cooperative, const std::function<void()>& body) {
    unsigned threads = c.block.x * c.block.y * c.block.z;
    if (!valid(c, threads)) {
        record_error(cudaErrorInvalidConfiguration);
        return;
    }
    if (!usable_stream(c.stream)) {
        record_error(cudaErrorInvalidResourceHandle);
        return;
    }
    ThreadState saved = current_state;
    current_state.block_dim = c.block;
    current_state.grid_dim = c.grid;
    try {
        unsigned blocks = c.grid.x * c.grid.y * c.grid.z;
        for (unsigned k = 0; k < blocks; k++) {
            current_state.block = unflatten(ordered(k, blocks), c.grid);
            if (cooperative) {
                run_block_as_fibers(threads, body);
            } else {
                for (unsigned k = 0; k < threads; k++) {
                    current_state.thread = unflatten(ordered(k, threads), c.block);
                    body();
                }
            }
        }
    } catch (...) {
        current_state = saved;
        throw;
    }
    current_state = saved;
}

void sync_block() {
    if (active == nullptr)
        throw std::logic_error("simulator: __syncthreads in a kernel run without fibers (its file is not marked cooperative)");
    yield(Wait::block);
}

void shuffle_down(void* value, size_t bytes, unsigned delta) {
    Block* b = active;
    if (b == nullptr)
        throw std::logic_error("simulator: warp shuffle in a kernel run without fibers (its file is not marked cooperative)");
    if (bytes > kSlotBytes) throw std::logic_error("simulator: shuffle of a value wider than 16 bytes");
    unsigned me = b->current;
    std::memcpy(&b->slots[size_t(me) * kSlotBytes], value, bytes);
    yield(Wait::warp);
    unsigned lane = me % kWarp, src = me + delta;
    if (lane + delta < kWarp && src < b->fibers.size())  // a partial last warp has no lane there
        std::memcpy(value, &b->slots[size_t(src) * kSlotBytes], bytes);
    yield(Wait::warp);  // no lane overwrites its slot before every lane has read
}

}  // namespace sim
