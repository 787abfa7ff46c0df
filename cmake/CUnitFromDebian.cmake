# CUnit for a cross build (Debian ships no mingw CUnit): fetch CUnit's
# Debian source package with apt-get, using a private apt state under the
# build tree built from this machine's own apt sources (deb -> deb-src), and
# build its six core files as the static library target `cunit_src`.
#   include(CUnitFromDebian)  ->  target cunit_src, include <CUnit/Basic.h>
# SVCCTL_CUNIT_SOURCE may name an unpacked CUnit source tree to skip apt.
set(SVCCTL_CUNIT_SOURCE "" CACHE PATH "Unpacked CUnit source tree (empty: fetch with apt-get)")

# Write deb-src copies of the system's apt sources into dir.
function(_cunit_apt_sources dir)
  file(MAKE_DIRECTORY ${dir})
  file(GLOB parts /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list)
  if(EXISTS /etc/apt/sources.list)
    list(APPEND parts /etc/apt/sources.list)
  endif()
  foreach(part ${parts})
    file(READ ${part} text)
    get_filename_component(name ${part} NAME)
    if(name MATCHES "\\.sources$")
      string(REGEX REPLACE "(^|\n)Types:[^\n]*" "\\1Types: deb-src" text "${text}")
    else()
      string(REGEX REPLACE "(^|\n)deb[ \t]" "\\1deb-src " text "${text}")
      set(name "${name}.list")
    endif()
    file(WRITE ${dir}/${name} "${text}")
  endforeach()
endfunction()

# Download CUnit's source package into dir/pkg and unpack it into dir/src.
function(_cunit_fetch dir out)
  find_program(SVCCTL_APT_GET apt-get REQUIRED)
  set(apt ${dir}/apt)
  _cunit_apt_sources(${apt}/sources.list.d)
  file(MAKE_DIRECTORY ${apt}/lists/partial ${apt}/cache/archives/partial ${dir}/pkg)
  file(WRITE ${apt}/empty.list "")
  set(opts -o Dir::Etc::SourceList=${apt}/empty.list
    -o Dir::Etc::SourceParts=${apt}/sources.list.d -o Dir::State::Lists=${apt}/lists
    -o Dir::Cache=${apt}/cache -o APT::Sandbox::User=root -o Acquire::Languages=none -qq)
  message(STATUS "CUnit: fetching Debian's source package with apt-get")
  foreach(step "update" "source;--download-only;cunit")
    execute_process(COMMAND ${SVCCTL_APT_GET} ${opts} ${step} WORKING_DIRECTORY ${dir}/pkg
      RESULT_VARIABLE rc OUTPUT_VARIABLE log ERROR_VARIABLE log)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "CUnit: apt-get ${step} failed (${rc}); set SVCCTL_CUNIT_SOURCE "
        "to an unpacked CUnit source tree instead.\n${log}")
    endif()
  endforeach()
  file(GLOB tarball ${dir}/pkg/cunit_*.orig.tar.*)
  if(NOT tarball)
    message(FATAL_ERROR "CUnit: no cunit_*.orig.tar.* in ${dir}/pkg")
  endif()
  file(ARCHIVE_EXTRACT INPUT ${tarball} DESTINATION ${dir}/src)
  file(GLOB top LIST_DIRECTORIES true ${dir}/src/*)
  set(${out} ${top} PARENT_SCOPE)
endfunction()

if(NOT TARGET cunit_src)
  set(_cunit_dir ${CMAKE_BINARY_DIR}/_deps/cunit)
  set(_cunit_root ${SVCCTL_CUNIT_SOURCE})
  if(NOT _cunit_root)
    file(GLOB _cunit_root LIST_DIRECTORIES true ${_cunit_dir}/src/*)
    if(NOT _cunit_root)
      _cunit_fetch(${_cunit_dir} _cunit_root)
    endif()
  endif()
  set(_cunit_fw ${_cunit_root}/CUnit/Sources/Framework)
  if(NOT EXISTS ${_cunit_fw}/TestRun.c)
    message(FATAL_ERROR "CUnit: ${_cunit_root} is not a CUnit source tree")
  endif()
  # the sources include "CUnit.h"; users include <CUnit/Basic.h>
  file(GLOB _cunit_headers ${_cunit_root}/CUnit/Headers/*.h)
  file(COPY ${_cunit_headers} DESTINATION ${_cunit_dir}/include/CUnit)
  add_library(cunit_src STATIC ${_cunit_fw}/CUError.c ${_cunit_fw}/MyMem.c ${_cunit_fw}/TestDB.c
    ${_cunit_fw}/TestRun.c ${_cunit_fw}/Util.c ${_cunit_root}/CUnit/Sources/Basic/Basic.c)
  target_include_directories(cunit_src PRIVATE ${_cunit_dir}/include/CUnit
    PUBLIC ${_cunit_dir}/include)
  # not our code: build it quietly, whatever the project's warning flags
  target_compile_options(cunit_src PRIVATE -w)
endif()
