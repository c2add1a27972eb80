# SPDX-License-Identifier: Apache-2.0
# CPACK_PRE_BUILD_SCRIPTS for the Debian packages: strip the staged files as dh_strip does.
# CPack's own stripping (CPACK_STRIP_FILES) calls strip without arguments: it leaves the .comment
# and .note sections in programs and libraries, and debug information in libcert.a (lintian:
# binary-has-unneeded-section, unstripped-static-library).
if(NOT CPACK_LIBCERT_STRIP)
  message(FATAL_ERROR "strip.cmake: CPACK_LIBCERT_STRIP (the strip program) is not set")
endif()
file(GLOB_RECURSE staged LIST_DIRECTORIES false "${CPACK_TEMPORARY_DIRECTORY}/*")
foreach(f IN LISTS staged)
  if(IS_SYMLINK "${f}")
    continue()
  endif()
  file(READ "${f}" magic LIMIT 8 HEX)
  get_filename_component(name "${f}" NAME)
  if(magic MATCHES "^7f454c46")
    if(name MATCHES "\\.so(\\.|$)")
      set(args --remove-section=.comment --remove-section=.note --strip-unneeded)
    else()
      set(args --remove-section=.comment --remove-section=.note)
    endif()
  elseif(magic STREQUAL "213c617263683e0a" AND name MATCHES "\\.a$") # "!<arch>\n"
    set(args --strip-debug --remove-section=.comment --remove-section=.note
      --enable-deterministic-archives -R .gnu.lto_* -R .gnu.debuglto_*)
  else()
    continue()
  endif()
  execute_process(COMMAND "${CPACK_LIBCERT_STRIP}" ${args} "${f}" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "strip.cmake: ${CPACK_LIBCERT_STRIP} failed on ${f}")
  endif()
endforeach()
