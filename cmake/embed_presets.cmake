# Embeds every presets/*.json file into a generated C++ source as string literals,
# so the library needs no data files at run time.
function(sbx_embed_presets target dir output)
  file(GLOB preset_files CONFIGURE_DEPENDS ${dir}/*.json)
  list(SORT preset_files)
  string(REPLACE ";" "|" preset_file_arg "${preset_files}")
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -DOUTPUT=${output} "-DFILES=${preset_file_arg}"
            -P ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/embed_presets_script.cmake
    DEPENDS ${preset_files} ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/embed_presets_script.cmake
    COMMENT "Embedding presets"
    VERBATIM)
  target_sources(${target} PRIVATE ${output})
endfunction()
