/* SPDX-License-Identifier: Apache-2.0 */
/* The start-up floor: a program that does nothing, linked against the same libraries as the
 * tools (OpenSSL, libcurl, libxml2, jansson, inih) and forced to load them all. */
int main(void)
{
    return 0;
}
