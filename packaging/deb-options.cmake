# Read by cpack for each generator.  The Debian descriptions in cpack.cmake
# carry their own synopsis line; the common summary stays for the others.
if(CPACK_GENERATOR STREQUAL "DEB")
  set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${CPACK_DEFAULT_PACKAGE_DESCRIPTION_SUMMARY}")
endif()
