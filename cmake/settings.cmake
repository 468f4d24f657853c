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
