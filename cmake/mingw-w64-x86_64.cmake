# Cross-compile for 64-bit Windows with Debian's mingw-w64 (package
# gcc-mingw-w64-x86-64) and run the test programs under Wine (wine64, wine):
#   cmake --workflow --preset windows
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(SVCCTL_MINGW_TRIPLE x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${SVCCTL_MINGW_TRIPLE}-gcc)
set(CMAKE_RC_COMPILER ${SVCCTL_MINGW_TRIPLE}-windres)

set(CMAKE_FIND_ROOT_PATH /usr/${SVCCTL_MINGW_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# ctest runs every Windows test program through Wine; tests/win sets the
# Wine prefix (outside the work tree) and creates it once before the tests.
find_program(SVCCTL_WINE NAMES wine wine64)
if(SVCCTL_WINE)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${SVCCTL_WINE})
endif()
