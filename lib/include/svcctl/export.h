/*
 * Symbol visibility for libsvcctl: only SVCCTL_API symbols are exported.
 * The library's objects are compiled once, with SVCCTL_BUILDING, for both
 * the shared and the static library.  Users of the static library define
 * SVCCTL_STATIC (its CMake target does) so that Windows does not expect
 * the functions from a DLL.
 */
#ifndef SVCCTL_EXPORT_H
#define SVCCTL_EXPORT_H

#if defined(SVCCTL_STATIC)
#define SVCCTL_API
#elif defined(_WIN32)
#ifdef SVCCTL_BUILDING
#define SVCCTL_API __declspec(dllexport)
#else
#define SVCCTL_API __declspec(dllimport)
#endif
#elif defined(__GNUC__)
#define SVCCTL_API __attribute__((visibility("default")))
#else
#define SVCCTL_API
#endif

#endif /* SVCCTL_EXPORT_H */
