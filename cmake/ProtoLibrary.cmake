# gateway_proto_library(<name> ROOT <dir> PROTOS <a.proto>... [GRPC] [DEPS <lib>...])
#
# Generates C++ (and, with GRPC, gRPC service stubs) from PROTOS, given
# relative to ROOT, with Debian's protoc and grpc_cpp_plugin, and wraps the
# result in a static library. Generated headers are included by their path
# under ROOT, e.g. "apivideo/uploadtokens/v1/upload_tokens.pb.h".
function(gateway_proto_library name)
  cmake_parse_arguments(ARG "GRPC" "ROOT" "PROTOS;DEPS;IMPORT_DIRS" ${ARGN})
  set(out_dir ${CMAKE_BINARY_DIR}/gen)
  set(srcs)
  set(import_flags --proto_path=${ARG_ROOT})
  foreach(dir IN LISTS ARG_IMPORT_DIRS)
    list(APPEND import_flags --proto_path=${dir})
  endforeach()
  foreach(proto IN LISTS ARG_PROTOS)
    string(REGEX REPLACE "\\.proto$" "" base ${proto})
    set(outputs ${out_dir}/${base}.pb.cc ${out_dir}/${base}.pb.h)
    set(grpc_flags)
    if(ARG_GRPC)
      list(APPEND outputs ${out_dir}/${base}.grpc.pb.cc ${out_dir}/${base}.grpc.pb.h)
      set(grpc_flags --grpc_out=${out_dir}
          --plugin=protoc-gen-grpc=$<TARGET_FILE:gRPC::grpc_cpp_plugin>)
    endif()
    add_custom_command(
      OUTPUT ${outputs}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${out_dir}
      COMMAND protobuf::protoc ${import_flags} --cpp_out=${out_dir} ${grpc_flags}
              ${ARG_ROOT}/${proto}
      DEPENDS ${ARG_ROOT}/${proto} protobuf::protoc
      COMMENT "Generating C++ from ${proto}"
      VERBATIM)
    list(APPEND srcs ${outputs})
  endforeach()
  add_library(${name} STATIC ${srcs})
  # Generated code is not ours to warn about.
  target_compile_options(${name} PRIVATE -w)
  target_include_directories(${name} PUBLIC ${out_dir})
  target_link_libraries(${name} PUBLIC protobuf::libprotobuf ${ARG_DEPS})
  if(ARG_GRPC)
    target_link_libraries(${name} PUBLIC gRPC::grpc++)
  endif()
endfunction()
