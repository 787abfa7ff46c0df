# svcctl in etcd mode against a real etcd: one ctest test per script,
# etcd.<name> from test_<name>.sh, when etcd mode is built.  Generous
# timeouts: each script starts etcd (a cluster for one) and waits out lease
# TTLs on a busy machine.
set(SVCCTL_ETCD_CLI_TESTS run loss verbs cluster auth tls nolib)
if(SVCCTL_ETCD)
  svcctl_script_tests(etcd NAMES ${SVCCTL_ETCD_CLI_TESTS} TIMEOUT 300
    ARGS $<TARGET_FILE:svcctl> $<TARGET_FILE:svcctl_example_server>)
endif()

find_program(SHELLCHECK shellcheck)
if(SHELLCHECK)
  file(GLOB SVCCTL_ETCD_SCRIPTS ${CMAKE_CURRENT_SOURCE_DIR}/*.sh)
  add_test(NAME etcd.shellcheck COMMAND ${SHELLCHECK} -x -s sh ${SVCCTL_ETCD_SCRIPTS}
    WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR})
  # the benchmark sources the harness: checked from its own folder
  add_test(NAME etcd.shellcheck_bench COMMAND ${SHELLCHECK} -x -s sh etcd.sh run.sh
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}/bench)
endif()
