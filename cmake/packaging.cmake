# Installation layout and the Debian package (`cpack -G DEB` in the build directory).
# The package holds the three programs, the systemd unit with its settings file, the Prometheus
# alert rules and the operations docs; docs/operations.md says how to install and run it.
include(GNUInstallDirs)

# `cpack` first runs the install step of the build tree. Without this it would build every
# target (benchmarks, simulator, tests) before packaging; the packaged programs are built by then
# wherever the package is made (`./x test` builds everything before ctest runs cpack).
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

foreach(_program scaleio-operator scaleio-node scaleioctl)
  if(TARGET ${_program})
    install(TARGETS ${_program} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  endif()
endforeach()

install(FILES packaging/systemd/scaleio-operator.service DESTINATION lib/systemd/system)
# Absolute on purpose: Debian keeps settings in /etc, and the file is a conffile (kept on upgrade).
install(FILES packaging/systemd/env DESTINATION /etc/scaleio-operator
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ)
install(FILES docs/alerts.yml DESTINATION ${CMAKE_INSTALL_DATADIR}/scaleio-operator/prometheus)
install(FILES packaging/marathon/scaleio-operator.json
        DESTINATION ${CMAKE_INSTALL_DATADIR}/scaleio-operator/marathon)
set(_scaleio_docs docs/operations.md docs/attributes.md docs/architecture.md
                  docs/migrating-from-v0.3.md docs/metrics.md docs/reconcilers.md)
foreach(_doc IN LISTS _scaleio_docs)
  if(EXISTS ${PROJECT_SOURCE_DIR}/${_doc})
    install(FILES ${_doc} DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/scaleio-operator)
  endif()
endforeach()

set(CPACK_PACKAGE_NAME scaleio-operator)
set(CPACK_PACKAGE_VENDOR "scaleio-operator")
set(CPACK_PACKAGE_CONTACT "scaleio-operator maintainers <scaleio-operator@example.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Deploys ScaleIO on Apache Mesos and keeps it converged on agent attributes")
set(CPACK_PACKAGE_DESCRIPTION
    "scaleio-operator (the daemon), scaleioctl (its CLI) and scaleio-node (the program the \
daemon runs as a Mesos task on the agents), with a systemd unit and Prometheus alert rules.")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR DEB)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Library dependencies (RocksDB, protobuf, OpenSSL, ...) from the binaries, by dpkg-shlibdeps.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "systemd")
file(WRITE ${PROJECT_BINARY_DIR}/packaging/deb/conffiles "/etc/scaleio-operator/env\n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${PROJECT_BINARY_DIR}/packaging/deb/conffiles)
include(CPack)
