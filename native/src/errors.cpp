// Per-thread last error text for geomlens_last_error().
#include <string>

#include "guard.hpp"

namespace {
thread_local std::string last_error;
}

namespace geomlens {
void set_error(const std::string& message) { last_error = message; }
}  // namespace geomlens

extern "C" const char* geomlens_last_error(void) { return last_error.c_str(); }

extern "C" int geomlens_version(int* major, int* minor) {
    return geomlens::guard("geomlens_version", [&] {
        geomlens::require(major && minor, "major and minor must not be null");
        *major = 0;
        *minor = 1;
    });
}
