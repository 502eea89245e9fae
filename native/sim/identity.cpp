// The simulator library names itself, so that no log of a run on it reads as a GPU run.
#include <cstdio>

#include "geomlens.h"
#include "guard.hpp"

extern "C" GEOMLENS_API int geomlens_device_name(geomlens_context* ctx, char* buf, int len) {
    return geomlens::guard("geomlens_device_name", [&] {
        geomlens::require(ctx != nullptr, "context is null");
        geomlens::require(buf && len > 0, "empty buffer");
        std::snprintf(buf, len, "%s", "kernel simulator on the host, no GPU");
    });
}
