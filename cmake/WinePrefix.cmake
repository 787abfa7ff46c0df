# Create the Wine prefix once, before the Windows tests run under Wine:
#   cmake -DWINE=/usr/bin/wine -DPREFIX=/root/.svcctl-wine -P WinePrefix.cmake
# A prefix is ~700 MB and takes seconds to create, so it lives outside the
# work tree and is reused by later runs.
if(EXISTS ${PREFIX}/system.reg)
  return()
endif()
get_filename_component(bindir ${WINE} DIRECTORY)
find_program(WINEBOOT wineboot HINTS ${bindir} /usr/lib/wine REQUIRED)
set(ENV{WINEPREFIX} ${PREFIX})
set(ENV{WINEDEBUG} -all)
set(ENV{WINEDLLOVERRIDES} "mscoree,mshtml=")
execute_process(COMMAND ${WINEBOOT} -i RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT EXISTS ${PREFIX}/system.reg)
  message(FATAL_ERROR "wineboot -i failed (${rc}) for the Wine prefix ${PREFIX}")
endif()
message(STATUS "Wine prefix ready: ${PREFIX}")
