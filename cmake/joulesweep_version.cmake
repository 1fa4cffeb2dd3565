# Generates joulesweep_version.cpp on every build, so `joulesweep --version` and the
# provenance stored with each run always name the commit that was built. The file is
# rewritten only when the revision changes, so an unchanged tree does not relink.
set(JOULESWEEP_VERSION_SOURCE "${PROJECT_BINARY_DIR}/generated/joulesweep_version.cpp")
add_custom_target(joulesweep_version_source
    COMMAND ${CMAKE_COMMAND}
            -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
            -DOUTPUT=${JOULESWEEP_VERSION_SOURCE}
            -DVERSION=${PROJECT_VERSION}
            -P ${PROJECT_SOURCE_DIR}/cmake/write_version_source.cmake
    BYPRODUCTS ${JOULESWEEP_VERSION_SOURCE}
    COMMENT "Recording the git revision"
    VERBATIM)
