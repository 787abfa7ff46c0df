# Write the bash completion that the built svcctl prints to OUT.
# Usage: cmake -DSVCCTL=path/to/svcctl -DOUT=file -P completion.cmake
get_filename_component(dir ${OUT} DIRECTORY)
file(MAKE_DIRECTORY ${dir})
execute_process(COMMAND ${SVCCTL} --completion bash OUTPUT_FILE ${OUT}.tmp
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  file(REMOVE ${OUT}.tmp)
  message(FATAL_ERROR "${SVCCTL} --completion bash failed: ${rc}")
endif()
file(RENAME ${OUT}.tmp ${OUT})
