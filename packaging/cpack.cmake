# CPack: Debian packages libsvcctl<SOVERSION>, libsvcctl-dev and svcctl (one
# per component), and the same split as RPMs where rpmbuild exists.
# Packagers configure with -DCMAKE_INSTALL_PREFIX=/usr, build, then run
# "cpack -G DEB" in the build tree (see README.packagers).
set(SVCCTL_LIB_PKG libsvcctl${PROJECT_VERSION_MAJOR})
set(SVCCTL_MAINTAINER "svcctl maintainers <svcctl@example.invalid>"
  CACHE STRING "Maintainer field of the packages")
set(SVCCTL_PACKAGE_RELEASE 1 CACHE STRING "Debian revision / RPM release")

# Debian wants a copyright file and a compressed changelog in each package.
set(SVCCTL_DEB_DOC ${CMAKE_CURRENT_BINARY_DIR}/debian)
file(MAKE_DIRECTORY ${SVCCTL_DEB_DOC})
configure_file(debian/changelog.in ${SVCCTL_DEB_DOC}/changelog.Debian @ONLY)
add_custom_command(OUTPUT ${SVCCTL_DEB_DOC}/changelog.Debian.gz
  COMMAND gzip -9n -c ${SVCCTL_DEB_DOC}/changelog.Debian > ${SVCCTL_DEB_DOC}/changelog.Debian.gz
  DEPENDS ${SVCCTL_DEB_DOC}/changelog.Debian VERBATIM)
add_custom_target(svcctl_deb_changelog ALL DEPENDS ${SVCCTL_DEB_DOC}/changelog.Debian.gz)

# Unspecified: the executable, installed by svcctl/ without a component.
set(SVCCTL_COMPONENT_PKGS runtime=${SVCCTL_LIB_PKG} dev=libsvcctl-dev
  tool=svcctl Unspecified=svcctl)
foreach(pair ${SVCCTL_COMPONENT_PKGS})
  string(REPLACE "=" ";" pair "${pair}")
  list(GET pair 0 comp)
  list(GET pair 1 pkg)
  install(FILES ${CMAKE_CURRENT_SOURCE_DIR}/debian/copyright
    ${SVCCTL_DEB_DOC}/changelog.Debian.gz
    DESTINATION ${SVCCTL_DOC_DIR}/${pkg} COMPONENT ${comp})
endforeach()

set(CPACK_PACKAGE_NAME svcctl)
set(CPACK_PACKAGE_VENDOR "svcctl project")
set(CPACK_PACKAGE_CONTACT "${SVCCTL_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_HOMEPAGE_URL "${PROJECT_HOMEPAGE_URL}")
set(CPACK_RESOURCE_FILE_LICENSE ${CMAKE_CURRENT_SOURCE_DIR}/debian/copyright)
set(CPACK_PACKAGING_INSTALL_PREFIX "${CMAKE_INSTALL_PREFIX}")
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR DEB)
find_program(SVCCTL_RPMBUILD rpmbuild)
if(SVCCTL_RPMBUILD)
  list(APPEND CPACK_GENERATOR RPM)
endif()

# Components, grouped so that "tool" and the unnamed component share one package.
set(CPACK_COMPONENTS_ALL runtime dev tool Unspecified)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_RPM_COMPONENT_INSTALL ON)
set(CPACK_COMPONENT_TOOL_GROUP svcctl)
set(CPACK_COMPONENT_UNSPECIFIED_GROUP svcctl)
set(CPACK_COMPONENTS_GROUPING ONE_PER_GROUP)
# The -dev package holds the .so link to the runtime library; svcctl links
# the static library, so its package depends only on what shlibdeps finds.
set(CPACK_COMPONENT_DEV_DEPENDS runtime)

# --- Debian ---------------------------------------------------------------
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE ${SVCCTL_PACKAGE_RELEASE})
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${SVCCTL_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS ON)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME ${SVCCTL_LIB_PKG})
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_RUNTIME_DESCRIPTION "pidfile library that does not lie
libsvcctl writes, locks, reads and judges pidfiles for servers: atomic
publication, one live owner per path, and a liveness check that compares
process start time and boot id, so a reused pid is never taken for the
server.

This package contains the shared library.")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_EXTRA ${CMAKE_CURRENT_SOURCE_DIR}/debian/triggers)
set(CPACK_DEBIAN_DEV_PACKAGE_NAME libsvcctl-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
# etcd mode dlopens libcurl.so.4 and libjson-c.so.5 on the first etcd://
# call: recommended, not required, so a host that never uses etcd need not
# install libcurl and its thirty libraries, and gets a clear error if it
# tries (pkg.deps checks the names against the packages holding them here).
set(SVCCTL_DEB_ETCD_RECOMMENDS "libcurl4, libjson-c5" CACHE STRING
  "Packages holding libcurl.so.4 and libjson-c.so.5 (libsvcctl0 Recommends)")
if(SVCCTL_ETCD)
  set(CPACK_DEBIAN_RUNTIME_PACKAGE_RECOMMENDS "${SVCCTL_DEB_ETCD_RECOMMENDS}")
endif()
set(CPACK_DEBIAN_DEV_DESCRIPTION "pidfile library that does not lie - development files
libsvcctl writes, locks, reads and judges pidfiles for servers.

This package contains the headers, the static library, the pkg-config
file, the CMake package and the manual pages of the library.")
set(CPACK_DEBIAN_SVCCTL_PACKAGE_NAME svcctl)
set(CPACK_DEBIAN_SVCCTL_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_SVCCTL_DESCRIPTION "start, stop and query servers through pidfiles
svcctl starts a server detached, records its pid and start time, stops it
on a signal schedule, reloads it and reports its status with the LSB
init-script exit codes, for init scripts and administrators.

Templates for systemd units, an LSB init script and an OpenRC service
script are installed in /usr/share/svcctl.")
# Each description above starts with its own synopsis (see deb-options.cmake).
set(CPACK_PROJECT_CONFIG_FILE ${CMAKE_CURRENT_SOURCE_DIR}/deb-options.cmake)

# --- RPM ------------------------------------------------------------------
set(CPACK_RPM_FILE_NAME RPM-DEFAULT)
set(CPACK_RPM_PACKAGE_RELEASE ${SVCCTL_PACKAGE_RELEASE})
set(CPACK_RPM_PACKAGE_LICENSE "BSD-2-Clause")
set(CPACK_RPM_PACKAGE_URL "${PROJECT_HOMEPAGE_URL}")
set(CPACK_RPM_PACKAGE_AUTOREQ ON)
set(CPACK_RPM_RUNTIME_PACKAGE_NAME libsvcctl)
set(CPACK_RPM_DEV_PACKAGE_NAME libsvcctl-devel)
if(SVCCTL_ETCD)
  set(CPACK_RPM_RUNTIME_PACKAGE_SUGGESTS "libcurl, json-c")
endif()
set(CPACK_RPM_SVCCTL_PACKAGE_NAME svcctl)
set(CPACK_RPM_EXCLUDE_FROM_AUTO_FILELIST_ADDITION
  ${CMAKE_INSTALL_FULL_MANDIR} ${CMAKE_INSTALL_FULL_MANDIR}/man1
  ${CMAKE_INSTALL_FULL_MANDIR}/man3 ${CMAKE_INSTALL_FULL_DATADIR}/doc
  ${CMAKE_INSTALL_FULL_LIBDIR}/cmake ${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig
  ${CMAKE_INSTALL_FULL_INCLUDEDIR})

include(CPack)
cpack_add_component_group(svcctl)
cpack_add_component(runtime DISPLAY_NAME "shared library")
cpack_add_component(dev DISPLAY_NAME "development files" DEPENDS runtime)
cpack_add_component(tool DISPLAY_NAME "command and init templates" GROUP svcctl)
cpack_add_component(Unspecified DISPLAY_NAME "command" GROUP svcctl)
