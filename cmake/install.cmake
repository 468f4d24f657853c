# What `cmake --install` ships besides the binaries, plugins and man pages:
# the systemd units (written with this prefix's paths), the shell
# completions, the operations scripts and the cron example.
# tests/e2e/test_install.sh installs into a temporary prefix and checks it.

# The units in scripts/systemd name /usr/sbin/ralphd and /usr/bin/ralph, so
# they verify as they stand; installed, they name the configured prefix's
# binaries (CMAKE_INSTALL_PREFIX at configure time, as for any package: a
# later `--prefix` or DESTDIR only moves the files).
set(ralph_unit_dir ${CMAKE_BINARY_DIR}/share/systemd)
function(ralph_configure_unit name out_name)
  set(unit_src ${PROJECT_SOURCE_DIR}/scripts/systemd/${name})
  file(READ ${unit_src} text)
  string(REPLACE "/usr/sbin/ralphd" "${CMAKE_INSTALL_FULL_SBINDIR}/ralphd" text "${text}")
  string(REPLACE "/usr/bin/ralph " "${CMAKE_INSTALL_FULL_BINDIR}/ralph " text "${text}")
  file(CONFIGURE OUTPUT ${ralph_unit_dir}/${out_name} CONTENT "${text}" @ONLY)
  set_property(DIRECTORY ${PROJECT_SOURCE_DIR} APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${unit_src})
endfunction()

foreach(unit ralphd.service ralph-backup.service ralph-backup.timer ralph-maintenance.service ralph-maintenance.timer)
  ralph_configure_unit(${unit} ${unit})
  install(FILES ${ralph_unit_dir}/${unit} DESTINATION lib/systemd/system)
endforeach()
# The user service under its installed name, so `systemctl --user start ralphd` works.
ralph_configure_unit(ralphd-user.service user/ralphd.service)
install(FILES ${ralph_unit_dir}/user/ralphd.service DESTINATION lib/systemd/user)
install(FILES ${PROJECT_SOURCE_DIR}/scripts/systemd/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR} RENAME systemd.md)

# Shell completions, where bash-completion, zsh and fish look for packaged ones.
set(completions ${PROJECT_SOURCE_DIR}/scripts/completions)
install(FILES ${completions}/ralph.bash DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME ralph)
install(FILES ${completions}/_ralph DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(FILES ${completions}/ralph.fish DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)

# The operations scripts, where `ralph backup|restore|maintenance|health|failover`
# finds them: <bindir>/../share/ralph/scripts. The test harness and the
# developer's dependency installer stay in the source tree.
file(GLOB ralph_scripts CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/scripts/*.sh)
list(REMOVE_ITEM ralph_scripts ${PROJECT_SOURCE_DIR}/scripts/with-test-services.sh
     ${PROJECT_SOURCE_DIR}/scripts/install-deps.sh)
install(PROGRAMS ${ralph_scripts} DESTINATION ${CMAKE_INSTALL_DATADIR}/ralph/scripts)
install(FILES ${PROJECT_SOURCE_DIR}/scripts/cron/ralph DESTINATION ${CMAKE_INSTALL_DATADIR}/ralph/cron)
