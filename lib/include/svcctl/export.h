/*
 * Symbol visibility for libsvcctl: only SVCCTL_API symbols are exported.
 * The library's objects are compiled once, with SVCCTL_BUILDING, for both
 * the shared and the static library.  ELF: SVCCTL_API gives default
 * visibility under -fvisibility=hidden.  Windows: the DLL's exports come
 * from a .def file made from this header's SVCCTL_API lines, and users of
 * the DLL import; users of the static library define SVCCTL_STATIC (its
 * CMake target does) and import nothing.
 */
#ifndef SVCCTL_EXPORT_H
#define SVCCTL_EXPORT_H

#if defined(_WIN32)
#if defined(SVCCTL_STATIC) || defined(SVCCTL_BUILDING)
#define SVCCTL_API
#else
#define SVCCTL_API __declspec(dllimport)
#endif
#elif defined(__GNUC__)
#define SVCCTL_API __attribute__((visibility("default")))
#else
#define SVCCTL_API
#endif

#endif /* SVCCTL_EXPORT_H */
