# Embeds the Ray exec agent (one Python file) into the library as a string literal,
# the way cmake/embed_presets.cmake embeds presets: the library needs no data files.
set(SBX_RAY_EMBED_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/embed_agent_script.cmake)

# Generates `output` from `source` and compiles it into `target`. The rule lives in
# this directory, so a custom target orders it before `target` (defined elsewhere).
function(sbx_embed_ray_agent target source output)
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -DSOURCE=${source} -DOUTPUT=${output} -P ${SBX_RAY_EMBED_SCRIPT}
    DEPENDS ${source} ${SBX_RAY_EMBED_SCRIPT}
    COMMENT "Embedding the Ray exec agent"
    VERBATIM)
  add_custom_target(${target}_ray_agent_source DEPENDS ${output})
  add_dependencies(${target} ${target}_ray_agent_source)
  target_sources(${target} PRIVATE ${output})
endfunction()
