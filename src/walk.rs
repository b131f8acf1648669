//! Finding the documents under the inputs a user named: recursive, sorted,
//! symbolic links reported but not followed, the output directory never
//! re-read as input.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::clusters::CLUSTERS_NAME;
use crate::manifest::MANIFEST_NAME;
use crate::report::REPORT_NAME;
use crate::run_record::RUN_RECORD_NAME;

/// Files a run writes at the top of `--out` besides the documents: at the
/// top of an input directory they are an earlier run's, not documents.
pub const RUN_FILES: &[&str] = &[MANIFEST_NAME, RUN_RECORD_NAME, REPORT_NAME, CLUSTERS_NAME];

/// One document to process, or a problem met while looking for one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Where to read it.
    pub source: PathBuf,
    /// Its path relative to its input root: the output path under `--out`.
    pub rel: PathBuf,
    /// Set when the item cannot be processed as a document.
    pub problem: Option<Problem>,
}

/// Why an item is not a readable document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Left alone on purpose (symbolic link, device, …): status `skipped`.
    Skip(String),
    /// Could not be listed or found: status `error`.
    Error(String),
}

/// What to walk and what to leave out.
#[derive(Debug, Clone, Default)]
pub struct WalkOptions {
    /// Directories never entered (the output directory, canonicalized).
    pub exclude: Vec<PathBuf>,
    /// Include files and directories whose names start with a dot.
    pub hidden: bool,
}

/// Lists the documents under `inputs`, sorted by relative path (then source)
/// so the order never depends on the file system or the argument order.
pub fn collect(inputs: &[PathBuf], options: &WalkOptions) -> Vec<Item> {
    let mut items = Vec::new();
    for input in inputs {
        match std::fs::metadata(input) {
            Err(e) => items.push(Item {
                source: input.clone(),
                rel: file_name_of(input),
                problem: Some(Problem::Error(format!("cannot read: {e}"))),
            }),
            Ok(meta) if meta.is_dir() => walk_dir(input, options, &mut items),
            Ok(meta) => items.push(Item {
                source: input.clone(),
                rel: file_name_of(input),
                problem: (!meta.is_file()).then(|| Problem::Skip("not a regular file".into())),
            }),
        }
    }
    // The manifest lists paths in their displayed (lossy UTF-8) spelling, so
    // that is the order; raw bytes break ties between names that display
    // alike.
    items.sort_by_cached_key(|item| {
        (
            item.rel.to_string_lossy().into_owned(),
            item.rel.clone(),
            item.source.clone(),
        )
    });
    items
}

fn file_name_of(path: &Path) -> PathBuf {
    path.file_name()
        .map(PathBuf::from)
        .unwrap_or_else(|| path.to_path_buf())
}

fn is_hidden(name: &OsStr) -> bool {
    name.as_encoded_bytes().first() == Some(&b'.')
}

fn walk_dir(root: &Path, options: &WalkOptions, items: &mut Vec<Item>) {
    let walker = WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            if entry.depth() == 0 {
                return true;
            }
            if !options.hidden && is_hidden(entry.file_name()) {
                return false;
            }
            if entry.file_type().is_dir()
                && let Ok(canonical) = entry.path().canonicalize()
            {
                return !options.exclude.iter().any(|x| x == &canonical);
            }
            true
        });
    for entry in walker {
        match entry {
            Err(e) => {
                let source = e
                    .path()
                    .map_or_else(|| root.to_path_buf(), Path::to_path_buf);
                let rel = relative(root, &source);
                let message = match e.io_error() {
                    Some(io) => format!("cannot read: {io}"),
                    None => format!("cannot read: {e}"),
                };
                items.push(Item {
                    source,
                    rel,
                    problem: Some(Problem::Error(message)),
                });
            }
            Ok(entry) => {
                let file_type = entry.file_type();
                if file_type.is_dir() {
                    continue;
                }
                let rel = relative(root, entry.path());
                let run_file = RUN_FILES.iter().find(|name| rel.as_os_str() == **name);
                let problem = if let (1, Some(name)) = (entry.depth(), run_file) {
                    // Most likely written by an earlier run into this
                    // directory: ours, not a document.
                    Some(Problem::Skip(format!(
                        "named like a file canon writes beside its output ({name}): not cleaned"
                    )))
                } else if file_type.is_symlink() {
                    Some(Problem::Skip("symbolic link, not followed".into()))
                } else if !file_type.is_file() {
                    Some(Problem::Skip("not a regular file".into()))
                } else {
                    None
                };
                items.push(Item {
                    source: entry.path().to_path_buf(),
                    rel,
                    problem,
                });
            }
        }
    }
}

fn relative(root: &Path, path: &Path) -> PathBuf {
    match path.strip_prefix(root) {
        Ok(rel) if !rel.as_os_str().is_empty() => rel.to_path_buf(),
        _ => file_name_of(path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn sorted_relative_and_excluding() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("in");
        fs::create_dir_all(root.join("b/sub")).unwrap();
        fs::create_dir_all(root.join("out")).unwrap();
        fs::create_dir_all(root.join(".git")).unwrap();
        fs::write(root.join("b/sub/z.txt"), "z").unwrap();
        fs::write(root.join("a.txt"), "a").unwrap();
        fs::write(root.join("out/x.txt"), "x").unwrap();
        fs::write(root.join(".git/config"), "x").unwrap();
        fs::write(root.join(MANIFEST_NAME), "{}").unwrap();
        let options = WalkOptions {
            exclude: vec![root.join("out").canonicalize().unwrap()],
            hidden: false,
        };
        let items = collect(std::slice::from_ref(&root), &options);
        let rels: Vec<_> = items.iter().map(|i| i.rel.clone()).collect();
        assert_eq!(
            rels,
            vec![
                PathBuf::from("a.txt"),
                PathBuf::from("b/sub/z.txt"),
                PathBuf::from(MANIFEST_NAME)
            ]
        );
        assert!(items[..2].iter().all(|i| i.problem.is_none()));
        assert!(matches!(items[2].problem, Some(Problem::Skip(_))));
    }

    #[test]
    fn missing_input_is_an_error_item() {
        let items = collect(
            &[PathBuf::from("/no/such/file.txt")],
            &WalkOptions::default(),
        );
        assert_eq!(items.len(), 1);
        assert!(matches!(items[0].problem, Some(Problem::Error(_))));
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_are_reported_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("real.txt"), "x").unwrap();
        std::os::unix::fs::symlink(dir.path().join("real.txt"), dir.path().join("link.txt"))
            .unwrap();
        let items = collect(&[dir.path().to_path_buf()], &WalkOptions::default());
        let link = items
            .iter()
            .find(|i| i.rel == Path::new("link.txt"))
            .unwrap();
        assert!(matches!(link.problem, Some(Problem::Skip(_))));
    }
}
