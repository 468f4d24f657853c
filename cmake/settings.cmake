# ralph_settings: language level and definitions; ralph_warnings: diagnostics.
# Every target links both privately.
add_library(ralph_settings INTERFACE)
target_compile_features(ralph_settings INTERFACE cxx_std_20)
target_compile_definitions(ralph_settings INTERFACE
  RALPH_VERSION="${PROJECT_VERSION}")
if(RALPH_SANITIZERS)
  target_compile_options(ralph_settings INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer)
  target_link_options(ralph_settings INTERFACE -fsanitize=address,undefined)
endif()

add_library(ralph_warnings INTERFACE)
target_compile_options(ralph_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
  -Wno-missing-field-initializers)
# GCC 12 at -O2 reports impossible std::string copies as overlapping
# (-Wrestrict false positives, GCC bug 105329): kept as warnings there, never
# errors, so an optimised -Werror build does not fail on the standard library.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(ralph_warnings INTERFACE -Wno-error=restrict)
endif()
if(RALPH_WERROR)
  target_compile_options(ralph_warnings INTERFACE -Werror)
endif()

# ralph_module(NAME DIRS dir... [DEPS dep...]): a static library of every .cpp
# directly under each DIR, so parallel work on separate modules never edits
# a CMakeLists.txt. Dependencies are public: headers may name their types.
function(ralph_module name)
  cmake_parse_arguments(M "" "" "DIRS;DEPS" ${ARGN})
  set(srcs)
  foreach(dir IN LISTS M_DIRS)
    file(GLOB found CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/${dir}/*.cpp)
    list(APPEND srcs ${found})
  endforeach()
  if(NOT srcs)
    # A module with headers only (so far) still carries its include path and deps.
    add_library(${name} INTERFACE)
    target_include_directories(${name} INTERFACE ${PROJECT_SOURCE_DIR})
    target_link_libraries(${name} INTERFACE ${M_DEPS})
    return()
  endif()
  add_library(${name} STATIC ${srcs})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PRIVATE ralph_settings ralph_warnings PUBLIC ${M_DEPS})
endfunction()

# Fuzz builds instrument every library for coverage, not just the targets,
# so libFuzzer sees into the parsers it drives.
if(RALPH_FUZZ)
  target_compile_options(ralph_settings INTERFACE -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  target_link_options(ralph_settings INTERFACE -fsanitize=address,undefined)
endif()

# Plugins (core/plugin/plugin.hpp): optional parts with heavy dependency
# chains, loaded on first use. They sit in <prefix>/<libdir>/ralph, and in the
# same place under the build tree, so <exe>/../<libdir>/ralph finds them from
# bin/, sbin/ and the build's cli/, daemon/ and tests/ alike.
set(RALPH_PLUGIN_LIBDIR ${CMAKE_INSTALL_LIBDIR}/ralph)
set(RALPH_PLUGIN_OUTPUT_DIR ${CMAKE_BINARY_DIR}/${RALPH_PLUGIN_LIBDIR})
# Static libraries also go into plugins, so they are position-independent;
# executables export their symbols, so a plugin shares the host's logger and
# other globals instead of carrying its own copies.
set(CMAKE_POSITION_INDEPENDENT_CODE ON)
set(CMAKE_ENABLE_EXPORTS ON)

# ralph_plugin(NAME FILE_NAME SOURCES src... DEPS dep...): libFILE_NAME.so,
# exporting only its RALPH_PLUGIN_EXPORT entry points.
function(ralph_plugin name file_name)
  cmake_parse_arguments(P "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} MODULE ${P_SOURCES})
  set_target_properties(${name} PROPERTIES
    OUTPUT_NAME ${file_name}
    LIBRARY_OUTPUT_DIRECTORY ${RALPH_PLUGIN_OUTPUT_DIR}
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PRIVATE ralph_settings ralph_warnings ${P_DEPS})
  install(TARGETS ${name} LIBRARY DESTINATION ${RALPH_PLUGIN_LIBDIR})
endfunction()
