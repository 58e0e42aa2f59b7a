# Writes OUT: a C++ file defining `std::string_view NAMESPACE::FUNCTION()` that returns the bytes
# of IN, so that a packaged daemon never looks for IN on disk.
file(READ ${IN} text)
string(FIND "${text}" ")mcpgw_embed\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${IN} contains the raw-string delimiter")
endif()
get_filename_component(name ${IN} NAME)
set(body "// Generated from ${name} by cmake/embed_file.cmake. Do not edit.\n")
string(APPEND body "#include <string_view>\n\n")
# -Wpedantic warns about literals longer than the 64 KiB the standard promises; GCC and Clang
# take far longer ones.
string(APPEND body "#pragma GCC diagnostic ignored \"-Woverlength-strings\"\n\n")
string(APPEND body "namespace ${NAMESPACE} {\n")
string(APPEND body "std::string_view ${FUNCTION}() {\n")
string(APPEND body "  static constexpr char text[] = R\"mcpgw_embed(${text})mcpgw_embed\";\n")
string(APPEND body "  return {text, sizeof text - 1};\n}\n}  // namespace ${NAMESPACE}\n")
file(WRITE ${OUT}.tmp "${body}")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
file(REMOVE ${OUT}.tmp)
