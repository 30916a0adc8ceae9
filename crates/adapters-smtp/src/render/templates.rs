//! The email templates, compiled into the binary with `include_str!` and loaded once into a
//! minijinja [`Environment`]: per email kind `{kind}.txt.j2` (the `subject` block and the text
//! body) and `{kind}.html.j2` (the HTML body), plus the shared layouts and partials. HTML
//! templates (`*.html.j2`) are autoescaped; text templates are not.

use std::sync::LazyLock;

use minijinja::syntax::SyntaxConfig;
use minijinja::{AutoEscape, Environment, Error, Output, State, UndefinedBehavior, Value, escape_formatter};

use super::{RenderError, RenderedEmail};

/// Declares the templates: `name => file under templates/`.
macro_rules! templates {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../templates/", $name)))),*]
    };
}

/// Every template by name (the file name under `crates/adapters-smtp/templates/`).
pub const TEMPLATES: &[(&str, &str)] = templates![
    "layout.txt.j2",
    "layout.html.j2",
    "link.html.j2",
    "session.txt.j2",
    "session.html.j2",
    "series.txt.j2",
    "series.html.j2",
    "email_verification.txt.j2",
    "email_verification.html.j2",
    "password_reset.txt.j2",
    "password_reset.html.j2",
    "ta_invitation.txt.j2",
    "ta_invitation.html.j2",
    "bundle_receipt.txt.j2",
    "bundle_receipt.html.j2",
    "booking_confirmation.txt.j2",
    "booking_confirmation.html.j2",
    "group_join_confirmation.txt.j2",
    "group_join_confirmation.html.j2",
    "waitlist_promotion.txt.j2",
    "waitlist_promotion.html.j2",
    "cancellation.txt.j2",
    "cancellation.html.j2",
    "booking_rescheduled.txt.j2",
    "booking_rescheduled.html.j2",
    "series_confirmation.txt.j2",
    "series_confirmation.html.j2",
    "series_cancellation.txt.j2",
    "series_cancellation.html.j2",
    "ta_no_show_refund.txt.j2",
    "ta_no_show_refund.html.j2",
    "attendance_digest.txt.j2",
    "attendance_digest.html.j2",
];

/// The environment, built on first use. A template that does not compile is a programming
/// error that the render tests catch; it is kept as an error rather than a panic.
static ENVIRONMENT: LazyLock<Result<Environment<'static>, String>> = LazyLock::new(build);

fn build() -> Result<Environment<'static>, String> {
    let mut env = Environment::new();
    // Statement tags take their own line; text files end with a newline.
    let syntax = SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
        .map_err(|e| e.to_string())?;
    env.set_syntax(syntax);
    // A misspelled variable fails the render tests instead of rendering as nothing.
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|name| if name.ends_with(".html.j2") { AutoEscape::Html } else { AutoEscape::None });
    env.set_formatter(html_formatter);
    for (name, source) in TEMPLATES {
        env.add_template(name, source).map_err(|e| format!("template {name}: {e:#}"))?;
    }
    Ok(env)
}

/// Writes a value into the output: in HTML templates strings are escaped as by minijinja, but
/// leaving `/` alone (minijinja writes `&#x2f;`, correct but unreadable in links and in
/// `Europe/Berlin`); everything else as minijinja does.
fn html_formatter(out: &mut Output<'_>, state: &mut State<'_, '_>, value: &Value) -> Result<(), Error> {
    match value.as_str() {
        Some(text) if matches!(state.auto_escape(), AutoEscape::Html) && !value.is_safe() => {
            out.write_str(&escape_html(text)).map_err(Error::from)
        }
        _ => escape_formatter(out, state, value),
    }
}

/// Escapes the characters that are special in HTML text and quoted attribute values.
fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#x27;"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// Renders the templates of `kind` (`{kind}.txt.j2` and `{kind}.html.j2`) with `context`.
pub(super) fn render_kind(kind: &str, context: &Value) -> Result<RenderedEmail, RenderError> {
    let env = ENVIRONMENT.as_ref().map_err(|e| RenderError::new(kind, e.clone()))?;
    let failed = |e: minijinja::Error| RenderError::new(kind, format!("{e:#}"));

    let text_template = env.get_template(&format!("{kind}.txt.j2")).map_err(failed)?;
    let mut captured = text_template.render_captured(context).map_err(failed)?;
    let subject = captured.with_state_mut(|state| state.render_block("subject")).map_err(failed)?;
    // One line, whatever the template's layout.
    let subject = subject.split_whitespace().collect::<Vec<_>>().join(" ");
    let text = captured.into_output();

    let html_context = minijinja::context! { subject => subject.clone(), ..context.clone() };
    let html = env.get_template(&format!("{kind}.html.j2")).and_then(|t| t.render(html_context)).map_err(failed)?;
    Ok(RenderedEmail { subject, text, html })
}
