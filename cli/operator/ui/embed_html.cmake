# Turns an HTML file into a C++ source that defines it as a raw string literal, so the daemon
# serves its status page from the binary (no files to install, nothing to find at run time).
#   cmake -DINPUT=page.html -DOUTPUT=page.cpp -DSYMBOL=kPage -DNAMESPACE=ns -P embed_html.cmake
file(READ "${INPUT}" content)
set(delimiter "scaleio_html")
string(FIND "${content}" ")${delimiter}\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw string's end ')${delimiter}\"'")
endif()
string(LENGTH "${content}" length)
set(text "// Generated from ${INPUT} by embed_html.cmake: do not edit.\n#include <cstddef>\n\n")
string(APPEND text "namespace ${NAMESPACE} {\n\n")
string(APPEND text "extern const char ${SYMBOL}[];\nextern const std::size_t ${SYMBOL}Size;\n\n")
string(APPEND text "const char ${SYMBOL}[] = R\"${delimiter}(${content})${delimiter}\";\n")
string(APPEND text "const std::size_t ${SYMBOL}Size = sizeof(${SYMBOL}) - 1;\n\n")
string(APPEND text "}  // namespace ${NAMESPACE}\n")
# Written only when it changes, so an unchanged page recompiles nothing.
file(WRITE "${OUTPUT}.tmp" "${text}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
