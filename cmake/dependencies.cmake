# All dependencies come from Debian packages; nothing is downloaded.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(CURL REQUIRED)
find_package(nlohmann_json CONFIG REQUIRED)
find_package(tomlplusplus CONFIG REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
find_package(fmt CONFIG REQUIRED)
find_package(spdlog CONFIG REQUIRED)
if(RALPH_BUILD_TESTS)
  find_package(Catch2 CONFIG REQUIRED)
endif()
# The fleet store: libpqxx 6.4 (and libpq under it).
pkg_check_modules(PQXX REQUIRED IMPORTED_TARGET libpqxx)
# The optional Redis (wakeups, live logs): hiredis 0.14.
pkg_check_modules(HIREDIS REQUIRED IMPORTED_TARGET hiredis)
# ralphd: HTTP endpoints (compiled cpp-httplib) and sd_notify.
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
pkg_check_modules(SYSTEMD REQUIRED IMPORTED_TARGET libsystemd)
