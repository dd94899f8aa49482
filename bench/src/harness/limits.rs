//! The open-file limit. Every socket is a file descriptor; on the benchmark machine one process
//! may hold at most 20,000 (the hard limit), and the soft limit a shell starts with can be far
//! lower. Child processes (the server, the client workers) inherit what is set here.

use anyhow::{Context, Result};

/// Raises this process's soft limit on open files to its hard limit, and returns that limit.
#[allow(unsafe_code)] // std has no wrapper for getrlimit(2)/setrlimit(2).
pub fn raise_open_files_limit() -> Result<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes one `rlimit` into memory we own, and nothing else.
    let rc = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) };
    if rc != 0 {
        return Err(std::io::Error::last_os_error()).context("reading the open-files limit");
    }
    if limit.rlim_cur < limit.rlim_max {
        let raised = libc::rlimit {
            rlim_cur: limit.rlim_max,
            rlim_max: limit.rlim_max,
        };
        // SAFETY: setrlimit reads one `rlimit` from memory we own, and nothing else.
        let rc = unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) };
        if rc != 0 {
            return Err(std::io::Error::last_os_error())
                .with_context(|| format!("raising the open-files limit to {}", limit.rlim_max));
        }
    }
    Ok(limit.rlim_max)
}

/// The number of file descriptors process `pid` holds now (its sockets, files and pipes).
pub fn open_files(pid: u32) -> Result<usize> {
    let path = format!("/proc/{pid}/fd");
    Ok(std::fs::read_dir(&path)
        .with_context(|| format!("listing {path}"))?
        .count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_is_raised_to_a_usable_number() {
        let limit = raise_open_files_limit().ok();
        assert!(limit.is_some_and(|limit| limit >= 64), "got {limit:?}");
    }

    #[test]
    fn this_process_holds_some_files() {
        let count = open_files(std::process::id()).ok();
        // stdin, stdout, stderr at least.
        assert!(count.is_some_and(|count| count >= 3), "got {count:?}");
    }
}
