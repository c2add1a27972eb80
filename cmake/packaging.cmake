# SPDX-License-Identifier: Apache-2.0
# Debian packages with CPack (scripts/package.sh runs `cpack -G DEB`), split as Debian splits a
# library:
#   libcert<SOVERSION>  the shared library, named after its SONAME (docs/ABI.md): libcert1
#   libcert-dev         headers, libcert.so, libcert.a, libcert.pc, the CMake package, man3
#   libcert-tools       the tools, their man pages and shell completions
# Install rules say which with COMPONENT lib / dev / tools; a rule without one lands in tools
# (CMAKE_INSTALL_DEFAULT_COMPONENT_NAME, set in the top CMakeLists.txt).
#
# Dependencies: the library's and the tools' from dpkg-shlibdeps. The tools link libcert
# statically (tools/CMakeLists.txt), so libcert-tools depends on libcert1 only if that changes,
# and then shlibdeps says so by itself (from libcert1's shlibs file, generated here). libcert-dev
# depends on the exact libcert1 and on the -dev packages of what libcert.a and the CMake package
# need.

set(LIBCERT_DEB_MAINTAINER "libcert developers <dev@libcert.invalid>" CACHE STRING
  "Maintainer field of the Debian packages (name <address>)")
set(LIBCERT_DEB_RELEASE 1 CACHE STRING "Debian revision of the packages (the -1 of 0.1.0-1)")

set(LIBCERT_DEB_VERSION ${PROJECT_VERSION}-${LIBCERT_DEB_RELEASE})
set(LIBCERT_DEB_LIB libcert${LIBCERT_SOVERSION})

if(LIBCERT_DEBIAN)
  # Each package carries /usr/share/doc/<package>/copyright and changelog.Debian.gz (Debian
  # Policy 12.5 and 12.7). The changelog's date is SOURCE_DATE_EPOCH's when set (package.sh
  # sets the last commit's), so that two builds of one commit give the same bytes.
  string(TIMESTAMP LIBCERT_DEB_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)
  configure_file(${PROJECT_SOURCE_DIR}/cmake/debian/changelog.in
    ${PROJECT_BINARY_DIR}/debian/changelog.Debian @ONLY)
  execute_process(COMMAND gzip -9nc ${PROJECT_BINARY_DIR}/debian/changelog.Debian
    OUTPUT_FILE ${PROJECT_BINARY_DIR}/debian/changelog.Debian.gz RESULT_VARIABLE gz_rc)
  if(NOT gz_rc EQUAL 0)
    message(FATAL_ERROR "gzip failed on debian/changelog.Debian")
  endif()
  # The lintian tags that stay, each with its reason, in the package as Debian ships them.
  foreach(comp_pkg "lib;${LIBCERT_DEB_LIB};lib" "dev;libcert-dev;other" "tools;libcert-tools;other")
    list(GET comp_pkg 0 comp)
    list(GET comp_pkg 1 pkg)
    list(GET comp_pkg 2 overrides)
    install(FILES ${PROJECT_SOURCE_DIR}/cmake/debian/copyright
      ${PROJECT_BINARY_DIR}/debian/changelog.Debian.gz
      DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/${pkg} COMPONENT ${comp})
    install(FILES ${PROJECT_SOURCE_DIR}/cmake/debian/${overrides}.lintian-overrides
      DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/lintian/overrides RENAME ${pkg} COMPONENT ${comp})
  endforeach()
endif()

set(CPACK_PACKAGE_NAME libcert)
set(CPACK_PACKAGE_VENDOR "The libcert authors")
set(CPACK_PACKAGE_CONTACT "${LIBCERT_DEB_MAINTAINER}")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
# Each package's description (below) has its own first line. CPack would put the project's
# summary above it whenever the summary differs from CPack's default, so it is left at that.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${CMAKE_PROJECT_NAME} built using CMake")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
# Stripped as dh_strip strips (cmake/debian/strip.cmake), not with CPack's bare `strip`.
set(CPACK_STRIP_FILES OFF)
set(CPACK_LIBCERT_STRIP "${CMAKE_STRIP}")
set(CPACK_PRE_BUILD_SCRIPTS ${PROJECT_SOURCE_DIR}/cmake/debian/strip.cmake)
set(CPACK_COMPONENTS_ALL lib dev tools)

set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE ${LIBCERT_DEB_RELEASE})
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${LIBCERT_DEB_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_LIB_PACKAGE_NAME ${LIBCERT_DEB_LIB})
set(CPACK_DEBIAN_LIB_PACKAGE_SECTION libs)
# The shlibs file (libcert 1 libcert1 (>= 0.1.0-1)) tells dpkg-shlibdeps of any package linked
# with libcert.so.1 what to depend on; CPack writes it for the packages with a shared library,
# that is libcert1 alone. The ldconfig trigger runs ldconfig when the package is installed.
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
set(CPACK_DEBIAN_LIB_PACKAGE_CONTROL_EXTRA ${PROJECT_SOURCE_DIR}/cmake/debian/triggers)
set(CPACK_DEBIAN_LIB_DESCRIPTION "TLS certificates from a mailed PEM to CloudFront - shared library
libcert reads the certificates and keys of a bundle in any of the forms a
certificate authority mails (PEM in any order, DER, PKCS#12, PKCS#7),
orders and verifies the chain, checks what IAM and CloudFront require, and
uploads the certificate to AWS IAM and attaches it to CloudFront
distributions.
.
This package contains the shared library.")

set(CPACK_DEBIAN_DEV_PACKAGE_NAME libcert-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
  "${LIBCERT_DEB_LIB} (= ${LIBCERT_DEB_VERSION}), libssl-dev (>= 3.0), libcurl4-openssl-dev | libcurl-dev, libxml2-dev, libjansson-dev, libcjson-dev, libinih-dev, pkgconf | pkg-config")
set(CPACK_DEBIAN_DEV_DESCRIPTION "TLS certificates from a mailed PEM to CloudFront - development files
libcert reads the certificates and keys of a bundle in any of the forms a
certificate authority mails (PEM in any order, DER, PKCS#12, PKCS#7),
orders and verifies the chain, checks what IAM and CloudFront require, and
uploads the certificate to AWS IAM and attaches it to CloudFront
distributions.
.
This package contains the headers, the static library, the pkg-config file,
the CMake package (libcert::shared, libcert::static) and the section-3
manual pages.")

set(CPACK_DEBIAN_TOOLS_PACKAGE_NAME libcert-tools)
set(CPACK_DEBIAN_TOOLS_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_TOOLS_DESCRIPTION "TLS certificates from a mailed PEM to CloudFront - tools
Command-line tools built on libcert: certcheck, the pre-flight check of a
bundle; certsplit, which splits it into cert.pem, chain.pem and key.pem;
certup, which uploads it to AWS IAM for CloudFront; certls, which lists and
audits the account's IAM server certificates; certattach, which puts one on
CloudFront distributions; certrotate, the whole renewal in one resumable
command; certprune, which deletes expired certificates nothing uses.")

include(CPack)
cpack_add_component(lib DISPLAY_NAME "shared library")
cpack_add_component(dev DISPLAY_NAME "development files" DEPENDS lib)
cpack_add_component(tools DISPLAY_NAME "tools")
