//! End-to-end checks of the normalize and convert stages on the bundled
//! seeds: the Simplified seeds come through convert untouched, the
//! Traditional one comes out Simplified with Chinese punctuation, and the
//! detected script reaches the manifest and `canon detect`.

use std::borrow::Cow;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use canon::pipeline::{self, Options, Outcome};
use canon::stages::Stage;
use canon::stages::convert::{self, ConvertConfig, Converter, Script};
use canon::stages::normalize::normalize;

fn seeds() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/seeds/input");
    let mut paths: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    assert_eq!(paths.len(), 5);
    paths
}

fn is_traditional_seed(path: &Path) -> bool {
    path.file_name()
        .unwrap()
        .to_string_lossy()
        .starts_with("003_")
}

/// Regression: the four Simplified seeds go through convert with zero
/// changes, and even forcing the character configs (`t2s`, `tw2s`, `hk2s`)
/// over them changes nothing. (`tw2sp` translates vocabulary, `智慧` →
/// `智能`, `建立` → `创建`, as OpenCC's does: it is only safe because
/// detection keeps it off Simplified documents.)
#[test]
fn simplified_seeds_are_not_changed_by_convert() {
    for path in seeds().iter().filter(|p| !is_traditional_seed(p)) {
        let text = fs::read_to_string(path).unwrap();
        let converter = Converter::default();
        let out = convert::convert(&text, &converter);
        assert_eq!(out.script, Script::Simplified, "{}", path.display());
        assert!(matches!(out.output.text, Cow::Borrowed(_)));
        assert!(out.output.report.is_empty());
        for config in [ConvertConfig::T2s, ConvertConfig::Tw2s, ConvertConfig::Hk2s] {
            let forced = Converter::new(config).convert_text(&text);
            assert!(forced == text, "{config} changed {}", path.display());
        }
    }
}

#[test]
fn traditional_seed_comes_out_simplified_with_chinese_punctuation() {
    let path = seeds()
        .into_iter()
        .find(|p| is_traditional_seed(p))
        .unwrap();
    let Outcome::Text(cleaned) =
        pipeline::clean_bytes(&fs::read(&path).unwrap(), &Options::default())
    else {
        panic!("seed 003 is text");
    };
    assert_eq!(cleaned.script, Script::Traditional);
    let converter = Converter::default();
    assert_eq!(converter.detect(&cleaned.text), Script::Simplified);
    for (before, after) in [
        ("10.67億人,居世界第一,", "10.67亿人，居世界第一，"),
        ("踔厲奮發", "踔厉奋发"),
    ] {
        let raw = fs::read_to_string(&path).unwrap();
        assert!(raw.contains(before));
        assert!(cleaned.text.contains(after), "{after}");
    }
    assert!(cleaned.changes.iter().any(|c| c.stage == Stage::Convert));
}

#[test]
fn skipping_convert_keeps_the_source_script_and_still_reports_it() {
    let text = "從網絡大國闊步邁向網絡強國\n";
    let options = Options {
        skip: [Stage::Convert].into_iter().collect(),
        ..Options::default()
    };
    let cleaned = pipeline::clean_text_detailed(text, &options);
    assert_eq!(cleaned.text, text);
    assert_eq!(cleaned.script, Script::Traditional);
}

#[test]
fn tw2sp_leaves_simplified_documents_alone() {
    let options = Options {
        converter: Arc::new(Converter::new(ConvertConfig::Tw2sp)),
        ..Options::default()
    };
    let text = "推进新型智慧城市建设，加快建立网络综合治理体系。\n";
    let cleaned = pipeline::clean_text_detailed(text, &options);
    assert_eq!(cleaned.text, text);
    assert_eq!(cleaned.script, Script::Simplified);
}

#[test]
fn s2t_config_goes_the_other_way() {
    let options = Options {
        converter: Arc::new(Converter::new(ConvertConfig::S2t)),
        ..Options::default()
    };
    let cleaned = pipeline::clean_text_detailed("网络强国建设\n", &options);
    assert_eq!(cleaned.text, "網絡強國建設\n");
    assert_eq!(cleaned.script, Script::Simplified);
}

#[test]
fn normalize_is_idempotent_on_the_seeds() {
    for path in seeds() {
        let text = fs::read_to_string(&path).unwrap();
        let once = normalize(&text).text.into_owned();
        let twice = normalize(&once);
        assert!(matches!(twice.text, Cow::Borrowed(_)), "{}", path.display());
        assert!(twice.report.is_empty());
    }
}

#[test]
fn manifest_and_detect_carry_the_script() {
    let out = tempfile::tempdir().unwrap();
    let input = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/seeds/input");
    let status = Command::new(env!("CARGO_BIN_EXE_canon"))
        .args(["clean", "--quiet", "--out"])
        .arg(out.path())
        .arg(&input)
        .status()
        .unwrap();
    assert!(status.success());
    let manifest = fs::read_to_string(out.path().join("manifest.jsonl")).unwrap();
    let mut scripts = Vec::new();
    for line in manifest.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        scripts.push((
            v["path"].as_str().unwrap().to_string(),
            v["script"].as_str().unwrap().to_string(),
        ));
    }
    assert_eq!(scripts.len(), 5);
    for (path, script) in &scripts {
        let want = if path.starts_with("003_") {
            "traditional"
        } else {
            "simplified"
        };
        assert_eq!(script, want, "{path}");
    }

    let detect = Command::new(env!("CARGO_BIN_EXE_canon"))
        .args(["detect", "--json"])
        .arg(&input)
        .output()
        .unwrap();
    assert!(detect.status.success());
    let stdout = String::from_utf8(detect.stdout).unwrap();
    let traditional = stdout
        .lines()
        .filter(|l| l.contains("\"script\":\"traditional\""))
        .count();
    assert_eq!(traditional, 1, "{stdout}");
}
