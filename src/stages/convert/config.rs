//! The OpenCC configs the convert stage ships, and the words each one puts
//! ahead of OpenCC's dictionaries.
//!
//! A config names OpenCC's JSON config (`t2s`, `s2twp`, …), the script it
//! writes, and so which documents it converts. Its custom words, which the
//! engine puts first in every dictionary group, are OpenCC 1.4.2's changes to
//! the dictionaries zhhz embeds (`crate::tables::opencc_overlay`) and the
//! Simplified words those dictionaries would wrongly change
//! ([`T2S_OVERRIDES`], [`TW2S_OVERRIDES`]). They live here, apart from the
//! engine, because they are data choices checked against OpenCC, not part of
//! its algorithm.
//!
//! Example (`tw2s`): `什麼 這么 老么` → `什么 这么 老幺`: the override keeps
//! `这么`, while `老么` has none and becomes `老幺`, as in OpenCC.
//!
//! Limits: these eight configs only (no `t2jp`, `jp2t`); the overrides are
//! what comparing with OpenCC 1.4.2 over Simplified text found
//! (`docs/CONVERT.md`), not a proof that no other entry misfires.

use std::fmt;

use super::Script;

/// An OpenCC conversion config this stage ships.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ConvertConfig {
    /// Traditional (OpenCC standard) → Simplified.
    #[default]
    T2s,
    /// Taiwan Traditional → Simplified, characters only.
    Tw2s,
    /// Taiwan Traditional → Simplified, with Taiwan → mainland vocabulary.
    Tw2sp,
    /// Hong Kong Traditional → Simplified.
    Hk2s,
    /// Simplified → Traditional (OpenCC standard).
    S2t,
    /// Simplified → Taiwan Traditional, characters only.
    S2tw,
    /// Simplified → Taiwan Traditional, with mainland → Taiwan vocabulary.
    S2twp,
    /// Simplified → Hong Kong Traditional.
    S2hk,
}

impl ConvertConfig {
    /// Every shipped config, in the order `--help` lists them.
    pub const ALL: [ConvertConfig; 8] = [
        ConvertConfig::T2s,
        ConvertConfig::Tw2s,
        ConvertConfig::Tw2sp,
        ConvertConfig::Hk2s,
        ConvertConfig::S2t,
        ConvertConfig::S2tw,
        ConvertConfig::S2twp,
        ConvertConfig::S2hk,
    ];

    /// OpenCC's name for the config.
    pub fn name(self) -> &'static str {
        match self {
            ConvertConfig::T2s => "t2s",
            ConvertConfig::Tw2s => "tw2s",
            ConvertConfig::Tw2sp => "tw2sp",
            ConvertConfig::Hk2s => "hk2s",
            ConvertConfig::S2t => "s2t",
            ConvertConfig::S2tw => "s2tw",
            ConvertConfig::S2twp => "s2twp",
            ConvertConfig::S2hk => "s2hk",
        }
    }

    /// Parses an OpenCC config name (`t2s`, `t2s.json` and any case).
    pub fn from_name(name: &str) -> Option<ConvertConfig> {
        let name = name.trim().to_ascii_lowercase();
        let name = name.strip_suffix(".json").unwrap_or(&name);
        ConvertConfig::ALL.into_iter().find(|c| c.name() == name)
    }

    /// True for the configs whose output is Simplified.
    pub fn to_simplified(self) -> bool {
        matches!(
            self,
            ConvertConfig::T2s | ConvertConfig::Tw2s | ConvertConfig::Tw2sp | ConvertConfig::Hk2s
        )
    }

    /// Whether a document of `script` is converted: documents already in
    /// the target script, and those without a script, are not.
    pub fn converts(self, script: Script) -> bool {
        match script {
            Script::Mixed => true,
            Script::Traditional => self.to_simplified(),
            Script::Simplified => !self.to_simplified(),
            Script::None => false,
        }
    }

    /// The same config in zhhz, the engine we check ours against.
    #[cfg(test)]
    pub(super) fn engine_config(self) -> zhhz::Config {
        match self {
            ConvertConfig::T2s => zhhz::Config::T2s,
            ConvertConfig::Tw2s => zhhz::Config::Tw2s,
            ConvertConfig::Tw2sp => zhhz::Config::Tw2sp,
            ConvertConfig::Hk2s => zhhz::Config::Hk2s,
            ConvertConfig::S2t => zhhz::Config::S2t,
            ConvertConfig::S2tw => zhhz::Config::S2tw,
            ConvertConfig::S2twp => zhhz::Config::S2twp,
            ConvertConfig::S2hk => zhhz::Config::S2hk,
        }
    }

    /// OpenCC 1.4.2's changes to the dictionaries this config reads (see
    /// [`crate::tables::opencc_overlay`]), in the order OpenCC reads them.
    fn opencc_overlay(self) -> Vec<&'static [(&'static str, &'static str)]> {
        use crate::tables::opencc_overlay as o;
        let ts = [o::TS_PHRASES, o::TS_CHARACTERS];
        let st = [o::ST_PHRASES, o::ST_CHARACTERS];
        match self {
            ConvertConfig::T2s => ts.to_vec(),
            ConvertConfig::Tw2s => [&[o::TW_VARIANTS_REV_PHRASES][..], &ts].concat(),
            ConvertConfig::Tw2sp => {
                [&[o::TW_PHRASES_REV, o::TW_VARIANTS_REV_PHRASES][..], &ts].concat()
            }
            ConvertConfig::Hk2s => [&[o::HK_VARIANTS_REV_PHRASES][..], &ts].concat(),
            ConvertConfig::S2t => st.to_vec(),
            ConvertConfig::S2tw => [&st[..], &[o::TW_VARIANTS_PHRASES, o::TW_VARIANTS]].concat(),
            ConvertConfig::S2twp => [
                &st[..],
                &[o::TW_PHRASES, o::TW_VARIANTS_PHRASES, o::TW_VARIANTS],
            ]
            .concat(),
            ConvertConfig::S2hk => [&st[..], &[o::HK_VARIANTS_PHRASES, o::HK_VARIANTS]].concat(),
        }
    }

    pub(super) fn overrides(self) -> Vec<(&'static str, &'static str)> {
        let mut overrides: Vec<(&str, &str)> = self
            .opencc_overlay()
            .into_iter()
            .flatten()
            .copied()
            .collect();
        if self.to_simplified() {
            overrides.extend_from_slice(T2S_OVERRIDES);
        }
        if matches!(self, ConvertConfig::Tw2s | ConvertConfig::Tw2sp) {
            overrides.extend_from_slice(TW2S_OVERRIDES);
        }
        overrides
    }
}

impl fmt::Display for ConvertConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Entries that take precedence over OpenCC's tables in the `…2s` configs:
/// each is a Simplified character or word that the data (as packaged by the
/// engine) would wrongly change. Found by running `t2s` over Simplified
/// text and comparing with OpenCC 1.4.2 (see `docs/CONVERT.md`).
pub const T2S_OVERRIDES: &[(&str, &str)] = &[
    // Upstream's TSCharacters maps 坏 (the Simplified form of 壞) to 坯, a
    // rare variant reading: `破坏` would become `破坯`.
    ("坏", "坏"),
];

/// Further entries for the Taiwan configs, whose variant table maps `么` to
/// `幺` (Taiwan writes `麼` for the question word and keeps `么` for `幺`):
/// the common Simplified `么` words must stay, as OpenCC 1.4.2 keeps them
/// (its fix #1473, newer than the engine's data); and `显著`, whose
/// Traditional form `顯著` these configs keep, must not become `显着`.
pub const TW2S_OVERRIDES: &[(&str, &str)] = &[
    ("什么", "什么"),
    ("怎么", "怎么"),
    ("这么", "这么"),
    ("這么", "这么"),
    ("那么", "那么"),
    ("多么", "多么"),
    ("要么", "要么"),
    ("好么", "好么"),
    ("甚么", "甚么"),
    ("显著", "显著"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stages::convert::tests::t2s;
    use crate::stages::convert::{Converter, convert};

    /// Regression: `坏` is Simplified for 壞; the engine's data maps it to
    /// `坯`. A mixed document goes through `t2s`, so the override must hold.
    #[test]
    fn simplified_huai_is_not_turned_into_pi() {
        let c = t2s();
        assert_eq!(c.convert_text("破坏，败坏，壞人"), "破坏，败坏，坏人");
    }

    /// Regression: Simplified words whose characters are also Traditional
    /// must survive every `…2s` config even when the document is converted
    /// (`土著` is left out: OpenCC's own `tw2s` writes `土着`).
    #[test]
    fn simplified_words_survive_every_to_simplified_config() {
        let words = "什么 怎么 这么 那么 多么 要么 好么 甚么 破坏 显著 著作 干部 皇后 \
                     里面 头发 于是 面条 发展 只有 一只 系统 联系 钟表 游戏 制造 复杂 \
                     回复 松树 冲突 几乎 余下 征收 周末 计划 胡须 获得 采取 着急 摆脱";
        for config in ConvertConfig::ALL.into_iter().filter(|c| c.to_simplified()) {
            let c = Converter::new(config);
            assert_eq!(c.convert_text(words), words, "{config}");
        }
    }

    #[test]
    fn taiwan_me_words_convert_like_opencc() {
        let c = Converter::new(ConvertConfig::Tw2s);
        assert_eq!(c.convert_text("什麼 這么 老么"), "什么 这么 老幺");
    }

    #[test]
    fn opencc_1_4_2_dictionary_changes_apply() {
        // Entries OpenCC 1.4.2 changed after the engine's data snapshot,
        // including longer keys an overlaid character starts (`托辞`).
        let t2s = t2s();
        assert_eq!(
            convert("步步高陞，製坏\n", &t2s).output.text,
            "步步高升，制坯\n"
        );
        let s2t = Converter::new(ConvertConfig::S2t);
        assert_eq!(
            convert("委托书，托辞\n", &s2t).output.text,
            "委託書，託辭\n"
        );
        let hk2s = Converter::new(ConvertConfig::Hk2s);
        assert_eq!(
            convert("郭台銘與龍應台\n", &hk2s).output.text,
            "郭台铭与龙应台\n"
        );
    }

    #[test]
    fn regional_configs_use_regional_vocabulary() {
        let c = Converter::new(ConvertConfig::Tw2sp);
        assert_eq!(convert("軟體與網路\n", &c).output.text, "软件与网络\n");
    }

    #[test]
    fn config_names_round_trip() {
        for c in ConvertConfig::ALL {
            assert_eq!(ConvertConfig::from_name(c.name()), Some(c));
        }
        assert_eq!(
            ConvertConfig::from_name("TW2SP.json"),
            Some(ConvertConfig::Tw2sp)
        );
        assert_eq!(ConvertConfig::from_name("t2jp"), None);
    }
}
