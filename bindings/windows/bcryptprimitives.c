/*
 * A stand-in for Windows' bcryptprimitives.dll, for Wine prefixes that lack it (Debian 12's Wine 8.0).
 *
 * Every program built by current Rust for Windows imports ProcessPrng from bcryptprimitives.dll (the
 * standard library's random source, used for HashMap keys); Windows 8.1 and later have it, Wine 8.0 does
 * not, so no Rust .exe or .dll starts under that Wine. This DLL is built with mingw and copied into the
 * test Wine prefix's system32 by bindings/windows/wine-prefix.sh. It is a test fixture only: never
 * shipped, never needed on Windows itself.
 *
 * ProcessPrng fills the buffer from RtlGenRandom (advapi32's SystemFunction036), Windows' documented
 * cryptographic random source, which Wine implements; like the real function it always succeeds unless
 * the source fails.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
  while (len > 0) {
    ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
    if (!SystemFunction036(data, chunk)) return FALSE;
    data += chunk;
    len -= chunk;
  }
  return TRUE;
}
