# write_if_changed(PATH CONTENT): writes PATH only when CONTENT differs from what is
# there, so generated sources do not trigger rebuilds when nothing changed.
function(write_if_changed path content)
    set(previous "")
    if(EXISTS "${path}")
        file(READ "${path}" previous)
    endif()
    if(NOT previous STREQUAL content)
        file(WRITE "${path}" "${content}")
    endif()
endfunction()
