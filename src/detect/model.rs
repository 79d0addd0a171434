//! The text model: a multinomial logistic regression over the block features of
//! [`features`](super::features), with four classes (console output, prose, other structured
//! text, noise). Its weights are data (`assets/text-model.toml`, written by
//! `cargo run --release --example train` from the labelled corpus in `assets/corpus`, compiled
//! in). A known text of the signature set adds its own evidence to the console class as a
//! log-likelihood ratio taken from the signature's confidence. Every decision can be explained
//! feature by feature ([`Model::explain`]).

use super::features::{Lexicon, NAMES, NF};
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

/// What a block of text reads as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TextClass {
    /// Output of a text-mode program: banners, status and error lines, listings.
    Console,
    /// Running text: paragraphs of sentences.
    Prose,
    /// Other structured text: field lists, tables, configuration, code.
    Structured,
    /// Not text: printable bytes of binary data, or words without language.
    Noise,
}

impl TextClass {
    pub const ALL: [TextClass; 4] = [
        TextClass::Console,
        TextClass::Prose,
        TextClass::Structured,
        TextClass::Noise,
    ];

    pub fn name(self) -> &'static str {
        match self {
            TextClass::Console => "console",
            TextClass::Prose => "prose",
            TextClass::Structured => "structured",
            TextClass::Noise => "noise",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// Class probabilities, indexed by [`TextClass::index`].
pub type Probs = [f32; 4];

/// The most probable class and its probability.
pub fn best(p: &Probs) -> (TextClass, f32) {
    let mut b = 0;
    for i in 1..4 {
        if p[i] > p[b] {
            b = i;
        }
    }
    (TextClass::ALL[b], p[b])
}

/// The model's parameters, as stored in the model file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Model {
    /// How the weights were made (the training command, the corpus, the choices made).
    pub trained: String,
    /// Feature names in vector order; must equal [`NAMES`].
    pub features: Vec<String>,
    /// Per-feature centre and scale: the model reads `(x - mean) / scale`.
    pub mean: Vec<f32>,
    pub scale: Vec<f32>,
    /// One row of weights per class (console, prose, structured, noise) and a bias each.
    pub weights: Vec<Vec<f32>>,
    pub bias: Vec<f32>,
    /// Calibration: logits are divided by this before the softmax.
    pub temperature: f32,
    /// Segmentation: two neighbouring stretches of text are separate blocks when one reads as
    /// console output and the other does not, each with at least this probability.
    pub split: f32,
    /// Segmentation: a paragraph with fewer words never splits from the block before it (too
    /// little evidence to tell what it reads as). Models trained before it was chosen use 3.
    #[serde(default = "three_words")]
    pub split_words: u32,
    /// The words the corpus knows (found in at least two of its sources).
    pub lexicon: Vec<String>,
    /// Fingerprints of the pairs of words the corpus has seen side by side (see
    /// [`super::features::word_pairs`]); the lexicon also knows the public pairs of
    /// [`super::wordpairs`].
    pub pairs: Vec<u32>,
    #[serde(skip)]
    table: Lexicon,
}

fn three_words() -> u32 {
    3
}

/// How many spreads from its mean a standardised feature may lie.
pub const Z_MAX: f32 = 3.0;

/// The model file compiled in.
pub const BUILTIN: &str = include_str!("../../assets/text-model.toml");

static MODEL: LazyLock<Model> =
    LazyLock::new(|| Model::parse(BUILTIN).expect("the built-in text model is valid"));

impl Model {
    /// The built-in model.
    pub fn builtin() -> &'static Model {
        &MODEL
    }

    /// Reads a model file and checks it against the features of this build.
    pub fn parse(text: &str) -> Result<Model, String> {
        let m: Model = toml::from_str(text).map_err(|e| e.message().to_string())?;
        let names: Vec<&str> = NAMES.iter().map(|n| n.0).collect();
        if m.features != names {
            return Err("the model's features are not this build's features".into());
        }
        let rows_ok = m.weights.len() == 4 && m.weights.iter().all(|r| r.len() == NF);
        if m.mean.len() != NF || m.scale.len() != NF || !rows_ok || m.bias.len() != 4 {
            return Err("the model's weights do not have the features' shape".into());
        }
        if m.scale.iter().any(|&s| s <= 0.0 || !s.is_finite()) || m.temperature <= 0.0 {
            return Err("the model's scales and temperature must be positive".into());
        }
        Ok(m.finish())
    }

    /// A model from its parts (the training program makes models this way).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        trained: String,
        mean: Vec<f32>,
        scale: Vec<f32>,
        weights: Vec<Vec<f32>>,
        bias: Vec<f32>,
        temperature: f32,
        split: (f32, u32),
        lexicon: Vec<String>,
        pairs: Vec<u32>,
    ) -> Model {
        Model {
            trained,
            features: NAMES.iter().map(|n| n.0.to_string()).collect(),
            mean,
            scale,
            weights,
            bias,
            temperature,
            split: split.0,
            split_words: split.1,
            lexicon,
            pairs,
            table: Lexicon::default(),
        }
        .finish()
    }

    fn finish(mut self) -> Model {
        self.table = Lexicon::new(
            &self.lexicon,
            &super::wordpairs::with_public(&self.pairs),
            super::wordpairs::order(),
        );
        self
    }

    /// The dictionary, ready for lookups.
    pub fn lexicon(&self) -> &Lexicon {
        &self.table
    }

    /// The model as a model file.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("a model serializes")
    }

    /// Standardised features, each kept within [`Z_MAX`] spreads of its mean: a rare feature
    /// (seen in few training blocks, so with a small spread) cannot decide a block alone.
    pub fn standard(&self, x: &[f32; NF]) -> [f32; NF] {
        let mut z = [0f32; NF];
        for i in 0..NF {
            z[i] = ((x[i] - self.mean[i]) / self.scale[i]).clamp(-Z_MAX, Z_MAX);
        }
        z
    }

    /// Calibrated logits; `console_evidence` (a log-likelihood ratio, from signatures) is added
    /// to the console class.
    pub fn logits(&self, x: &[f32; NF], console_evidence: f32) -> [f32; 4] {
        let z = self.standard(x);
        let mut out = [0f32; 4];
        for (k, o) in out.iter_mut().enumerate() {
            let w = &self.weights[k];
            let mut s = self.bias[k];
            for i in 0..NF {
                s += w[i] * z[i];
            }
            *o = s / self.temperature;
        }
        out[0] += console_evidence;
        out
    }

    /// Class probabilities.
    pub fn probs(&self, x: &[f32; NF], console_evidence: f32) -> Probs {
        softmax(self.logits(x, console_evidence))
    }

    /// The features that decided between console output and the strongest other class: each
    /// feature's share of the log-odds, largest first, at most `n` (up to [`EXPLAIN`]), none
    /// smaller than 0.05.
    pub fn explain(&self, x: &[f32; NF], p: &Probs, n: usize) -> Vec<(&'static str, f32)> {
        self.decisive(x, p)
            .into_iter()
            .flatten()
            .take(n)
            .map(|(i, c)| (NAMES[i].0, c))
            .collect()
    }

    /// The [`EXPLAIN`] features that decided, by index, largest share first.
    pub fn decisive(&self, x: &[f32; NF], p: &Probs) -> [Option<(usize, f32)>; EXPLAIN] {
        let rival = (1..4)
            .max_by(|&a, &b| p[a].total_cmp(&p[b]))
            .expect("three rivals");
        let z = self.standard(x);
        let mut top: [Option<(usize, f32)>; EXPLAIN] = [None; EXPLAIN];
        for (i, zi) in z.iter().enumerate() {
            let c = (self.weights[0][i] - self.weights[rival][i]) * zi / self.temperature;
            if c.abs() < 0.05 {
                continue;
            }
            let mut item = Some((i, c));
            for slot in top.iter_mut() {
                let better = match (item, *slot) {
                    (Some(a), Some(b)) => a.1.abs() > b.1.abs(),
                    (Some(_), None) => true,
                    _ => false,
                };
                if better {
                    std::mem::swap(slot, &mut item);
                }
            }
        }
        top
    }
}

/// How many features an explanation names.
pub const EXPLAIN: usize = 3;

/// Softmax of logits.
pub fn softmax(z: [f32; 4]) -> Probs {
    let m = z.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut e = [0f32; 4];
    let mut s = 0.0;
    for i in 0..4 {
        e[i] = (z[i] - m).exp();
        s += e[i];
    }
    e.map(|v| v / s)
}

/// The evidence a signature of confidence `c` adds to the console class: its log-odds.
pub fn evidence(c: f32) -> f32 {
    let c = c.clamp(0.01, 0.99);
    (c / (1.0 - c)).ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_model_matches_the_features() {
        let m = Model::builtin();
        assert_eq!(m.features.len(), NF);
        assert_eq!(Model::parse(&m.to_toml()).unwrap(), *m);
        assert!(m.split > 0.0 && m.split < 1.0);
    }

    #[test]
    fn softmax_and_evidence() {
        let p = softmax([0.0, 0.0, 0.0, 0.0]);
        assert!(p.iter().all(|&x| (x - 0.25).abs() < 1e-6));
        assert!((evidence(0.5)).abs() < 1e-6);
        assert!(evidence(0.97) > 3.0);
        assert_eq!(best(&[0.1, 0.6, 0.2, 0.1]), (TextClass::Prose, 0.6));
    }
}
