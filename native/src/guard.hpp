// Status codes + per-thread last error for the C ABI (pattern of cuVS c_api): guard() runs an
// entry point's body and turns any C++ exception into a status and a message, so none escapes.
// No CUDA here: the host emulation (native/host) shares it.
#pragma once

#include <exception>
#include <new>
#include <string>

#include "geomlens.h"

namespace geomlens {

void set_error(const std::string& message);

struct Failure {
    int status;
    std::string message;
};

// Returns GEOMLENS_OK, or the status of the first failed check with its message recorded.
template <typename Body>
int guard(const char* entry, Body&& body) {
    try {
        body();
        return GEOMLENS_OK;
    } catch (const Failure& f) {
        set_error(std::string(entry) + ": " + f.message);
        return f.status;
    } catch (const std::bad_alloc&) {
        set_error(std::string(entry) + ": host out of memory");
        return GEOMLENS_ERR_OUT_OF_MEMORY;
    } catch (const std::exception& e) {
        set_error(std::string(entry) + ": " + e.what());
        return GEOMLENS_ERR_INTERNAL;
    } catch (...) {
        set_error(std::string(entry) + ": unknown C++ exception");
        return GEOMLENS_ERR_INTERNAL;
    }
}

inline std::string where(const char* stmt, const char* file, int line) {
    return std::string(stmt) + " at " + file + ":" + std::to_string(line);
}

[[noreturn]] inline void fail(int status, const std::string& message) { throw Failure{status, message}; }

inline void require(bool ok, const std::string& what) {
    if (!ok) fail(GEOMLENS_ERR_INVALID_ARGUMENT, what);
}

}  // namespace geomlens
