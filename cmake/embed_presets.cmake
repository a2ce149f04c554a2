# Embeds data files into a generated C++ source as string literals, so the library
# needs no data files at run time.

# Defines `std::vector<std::string_view> sbx::detail::<function>()` in `output`, one
# element per file of ARGN, in the order given.
function(sbx_embed_files target output function)
  set(files ${ARGN})
  string(REPLACE ";" "|" file_arg "${files}")
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -DOUTPUT=${output} "-DFILES=${file_arg}" -DFUNCTION=${function}
            -P ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/embed_presets_script.cmake
    DEPENDS ${files} ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/embed_presets_script.cmake
    COMMENT "Embedding ${function}"
    VERBATIM)
  target_sources(${target} PRIVATE ${output})
endfunction()

# Every presets/*.json file, as builtin_preset_sources().
function(sbx_embed_presets target dir output)
  file(GLOB preset_files CONFIGURE_DEPENDS ${dir}/*.json)
  list(SORT preset_files)
  sbx_embed_files(${target} ${output} builtin_preset_sources ${preset_files})
endfunction()
