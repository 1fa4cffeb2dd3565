# joulesweep_warnings: an INTERFACE target that carries our warning and sanitizer
# flags. Link it PRIVATE to each of our own targets; never to third-party code.
add_library(joulesweep_warnings INTERFACE)
target_compile_options(joulesweep_warnings INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
    -Wnon-virtual-dtor -Woverloaded-virtual -Wold-style-cast -Wformat=2
    $<$<BOOL:${JOULESWEEP_WERROR}>:-Werror>)
if(JOULESWEEP_SANITIZE)
    target_compile_options(joulesweep_warnings INTERFACE
        -fsanitize=${JOULESWEEP_SANITIZE} -fno-omit-frame-pointer)
    target_link_options(joulesweep_warnings INTERFACE -fsanitize=${JOULESWEEP_SANITIZE})
endif()
