//! Where a PKCS#11 module is loaded from, and why it cannot be, before the loader is asked.
//!
//! Token vendors' middleware installs its module in the system directory (on Windows
//! `C:\Windows\System32\eTPKCS11.dll` for SafeNet eToken, `bit4xpki.dll` for bit4id). The OS loader's
//! own errors say little ("LoadLibraryExW failed"), so the two mistakes seen in practice are named
//! here: a module that is not there, and a module built for another architecture (a 32-bit DLL from
//! `SysWOW64` in a 64-bit process).

use std::path::{Path, PathBuf};

use crate::TokenError;

/// The path to load: on Windows a bare file name (`eTPKCS11.dll`) means the one in System32, not
/// one found through the DLL search order (which includes the application's and current directory,
/// where anyone could plant a DLL of that name).
pub(super) fn resolve(path: &Path) -> PathBuf {
    if cfg!(windows) && path.parent().is_none_or(|p| p.as_os_str().is_empty()) {
        let root = std::env::var_os("SystemRoot").unwrap_or_else(|| "C:\\Windows".into());
        return Path::new(&root).join("System32").join(path);
    }
    path.to_path_buf()
}

/// Refuse, with a reason a user can act on, a module that is missing or built for another machine.
pub(super) fn check(path: &Path) -> Result<(), TokenError> {
    let mut head = [0u8; 4096];
    let n = match std::fs::File::open(path) {
        Ok(mut f) => read_up_to(&mut f, &mut head),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(TokenError::ModuleNotFound {
                path: path.to_path_buf(),
            });
        }
        // Unreadable for another reason: let the loader report it.
        Err(_) => return Ok(()),
    };
    match pe_machine(&head[..n]) {
        Some(machine) if Some(machine) != native_pe_machine() && cfg!(windows) => {
            Err(TokenError::ModuleArchitecture {
                path: path.to_path_buf(),
                module: pe_machine_name(machine),
                process: pe_machine_name(native_pe_machine().unwrap_or(0)),
            })
        }
        _ => Ok(()),
    }
}

fn read_up_to(f: &mut std::fs::File, buf: &mut [u8]) -> usize {
    use std::io::Read;
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..]) {
            Ok(0) | Err(_) => break,
            Ok(k) => n += k,
        }
    }
    n
}

/// The `Machine` field of a PE file's COFF header (`MZ`, `e_lfanew` at 0x3c, `PE\0\0`), if `head`
/// is the start of one.
fn pe_machine(head: &[u8]) -> Option<u16> {
    if head.get(..2)? != b"MZ" {
        return None;
    }
    let lfanew = u32::from_le_bytes(head.get(0x3c..0x40)?.try_into().ok()?) as usize;
    if head.get(lfanew..lfanew.checked_add(4)?)? != b"PE\0\0" {
        return None;
    }
    let m = head.get(lfanew + 4..lfanew + 6)?;
    Some(u16::from_le_bytes([m[0], m[1]]))
}

const IMAGE_FILE_MACHINE_I386: u16 = 0x014c;
const IMAGE_FILE_MACHINE_AMD64: u16 = 0x8664;
const IMAGE_FILE_MACHINE_ARM64: u16 = 0xaa64;

fn native_pe_machine() -> Option<u16> {
    match std::env::consts::ARCH {
        "x86_64" => Some(IMAGE_FILE_MACHINE_AMD64),
        "x86" => Some(IMAGE_FILE_MACHINE_I386),
        "aarch64" => Some(IMAGE_FILE_MACHINE_ARM64),
        _ => None,
    }
}

fn pe_machine_name(machine: u16) -> &'static str {
    match machine {
        IMAGE_FILE_MACHINE_I386 => "32-bit x86",
        IMAGE_FILE_MACHINE_AMD64 => "64-bit x86-64",
        IMAGE_FILE_MACHINE_ARM64 => "64-bit ARM",
        _ => "another architecture",
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// The smallest header `pe_machine` reads: `MZ`, e_lfanew = 0x40, `PE\0\0`, Machine.
    fn pe(machine: u16) -> Vec<u8> {
        let mut v = vec![0u8; 0x46];
        v[..2].copy_from_slice(b"MZ");
        v[0x3c..0x40].copy_from_slice(&0x40u32.to_le_bytes());
        v[0x40..0x44].copy_from_slice(b"PE\0\0");
        v[0x44..0x46].copy_from_slice(&machine.to_le_bytes());
        v
    }

    #[test]
    fn reads_the_machine_of_pe_files_only() {
        assert_eq!(pe_machine(&pe(0x014c)), Some(IMAGE_FILE_MACHINE_I386));
        assert_eq!(pe_machine(&pe(0x8664)), Some(IMAGE_FILE_MACHINE_AMD64));
        assert_eq!(pe_machine(b"\x7fELF\x02\x01\x01"), None);
        let mut bad = pe(0x8664);
        bad[0x3c..0x40].copy_from_slice(&0xffff_fff0u32.to_le_bytes());
        assert_eq!(pe_machine(&bad), None, "e_lfanew past the end");
        assert_eq!(pe_machine(b"MZ"), None);
    }

    #[test]
    fn a_missing_module_is_named_as_missing() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("eTPKCS11.dll");
        let err = check(&missing).unwrap_err();
        assert_eq!(err.code(), 4004);
        assert!(err.to_string().contains("eTPKCS11.dll"), "{err}");
    }

    #[test]
    fn bare_names_resolve_to_system32_on_windows_only() {
        let r = resolve(Path::new("bit4xpki.dll"));
        if cfg!(windows) {
            assert!(r.ends_with("System32\\bit4xpki.dll"), "{}", r.display());
        } else {
            assert_eq!(r, Path::new("bit4xpki.dll"));
        }
        assert_eq!(
            resolve(Path::new("/usr/lib/x.so")),
            Path::new("/usr/lib/x.so")
        );
    }
}
