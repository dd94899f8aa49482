//! Accessible form parts: an error summary that links to each field, and fields that show
//! their message beside them and keep what the user typed.

use maud::{html, Markup, Render};

/// The errors of one submitted form, in field order.
#[derive(Debug, Clone, Default)]
pub struct FormErrors(Vec<(String, String)>);

impl FormErrors {
    /// No errors.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a message for a field (the field's `name`, which is also its element id).
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push((field.into(), message.into()));
    }

    /// A single error.
    pub fn one(field: impl Into<String>, message: impl Into<String>) -> Self {
        let mut errors = Self::new();
        errors.add(field, message);
        errors
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The first message for a field.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    /// The first message, whatever its field.
    pub fn first(&self) -> Option<&str> {
        self.0.first().map(|(_, m)| m.as_str())
    }
}

/// "There is a problem": the list of errors at the top of the page, each linking to its field.
pub struct ErrorSummary<'a>(pub &'a FormErrors);

impl Render for ErrorSummary<'_> {
    fn render(&self) -> Markup {
        html! {
            @if !self.0.is_empty() {
                div.error-summary role="alert" tabindex="-1" data-autofocus {
                    h2.error-summary__title { "There is a problem" }
                    ul {
                        @for (field, message) in &self.0 .0 {
                            li { a href={ "#" (field) } { (message) } }
                        }
                    }
                }
            }
        }
    }
}

/// The hidden CSRF field every state-changing form carries.
pub struct CsrfField<'a>(pub &'a str);

impl Render for CsrfField<'_> {
    fn render(&self) -> Markup {
        html! { input type="hidden" name="csrf_token" value=(self.0); }
    }
}

/// A labelled text input with its hint and error.
pub struct TextField<'a> {
    /// Name and id.
    pub name: &'a str,
    /// Label text.
    pub label: &'a str,
    /// Optional hint under the label.
    pub hint: Option<&'a str>,
    /// Current value (what the user typed, on a re-shown form).
    pub value: &'a str,
    /// `text`, `email`, `password`, `search`…
    pub input_type: &'a str,
    /// The browser's autocomplete token.
    pub autocomplete: Option<&'a str>,
    /// The errors of the form.
    pub errors: &'a FormErrors,
}

impl Render for TextField<'_> {
    fn render(&self) -> Markup {
        let error = self.errors.get(self.name);
        let hint_id = format!("{}-hint", self.name);
        let error_id = format!("{}-error", self.name);
        let described = [
            self.hint.map(|_| hint_id.as_str()),
            error.map(|_| error_id.as_str()),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
        html! {
            div.form-group.form-group--error[error.is_some()] {
                label.label for=(self.name) { (self.label) }
                @if let Some(hint) = self.hint { div.hint id=(hint_id) { (hint) } }
                @if let Some(message) = error {
                    p.error-message id=(error_id) { span.visually-hidden { "Error: " } (message) }
                }
                input.input.input--error[error.is_some()] id=(self.name) name=(self.name)
                    type=(self.input_type) value=(self.value)
                    autocomplete=[self.autocomplete]
                    aria-describedby=[(!described.is_empty()).then_some(described.as_str())]
                    aria-invalid=[error.map(|_| "true")];
            }
        }
    }
}

/// A labelled select.
pub struct SelectField<'a> {
    /// Name and id.
    pub name: &'a str,
    /// Label text.
    pub label: &'a str,
    /// (value, text) pairs.
    pub options: &'a [(String, String)],
    /// The selected value.
    pub selected: &'a str,
    /// The errors of the form.
    pub errors: &'a FormErrors,
}

impl Render for SelectField<'_> {
    fn render(&self) -> Markup {
        let error = self.errors.get(self.name);
        html! {
            div.form-group.form-group--error[error.is_some()] {
                label.label for=(self.name) { (self.label) }
                @if let Some(message) = error {
                    p.error-message id={ (self.name) "-error" } { span.visually-hidden { "Error: " } (message) }
                }
                select.select id=(self.name) name=(self.name) aria-invalid=[error.map(|_| "true")] {
                    @for (value, text) in self.options {
                        option value=(value) selected[value == self.selected] { (text) }
                    }
                }
            }
        }
    }
}

/// A group of checkboxes sharing one name.
pub struct CheckboxesField<'a> {
    /// Name, and id of the group.
    pub name: &'a str,
    /// The group's legend.
    pub legend: &'a str,
    /// Optional hint.
    pub hint: Option<&'a str>,
    /// (value, label, checked).
    pub options: &'a [(String, String, bool)],
    /// The errors of the form.
    pub errors: &'a FormErrors,
}

impl Render for CheckboxesField<'_> {
    fn render(&self) -> Markup {
        choices(
            self.name,
            self.legend,
            self.hint,
            self.options,
            self.errors,
            ("checkboxes", "checkbox"),
        )
    }
}

/// A fieldset of checkboxes or radios: `(group class, input type)`, each option
/// `(value, label, checked)`.
fn choices(
    name: &str,
    legend: &str,
    hint: Option<&str>,
    options: &[(String, String, bool)],
    errors: &FormErrors,
    (group, kind): (&str, &str),
) -> Markup {
    let error = errors.get(name);
    html! {
        div.form-group.form-group--error[error.is_some()] id=(name) {
            fieldset.fieldset {
                legend.legend { (legend) }
                @if let Some(hint) = hint { div.hint { (hint) } }
                @if let Some(message) = error {
                    p.error-message { span.visually-hidden { "Error: " } (message) }
                }
                div class=(group) {
                    @for (index, (value, label, checked)) in options.iter().enumerate() {
                        @let id = format!("{}-{}", name, index);
                        div class=(kind) {
                            input id=(id) type=(kind) name=(name) value=(value) checked[*checked];
                            label for=(id) { (label) }
                        }
                    }
                }
            }
        }
    }
}

/// A date typed in three boxes (day, month, year), named `<name>_day` etc.; errors are keyed
/// by `name`, which is also the group's id the error summary links to.
pub struct DateField<'a> {
    /// Base name.
    pub name: &'a str,
    /// The question.
    pub legend: &'a str,
    /// Hint, e.g. an example date.
    pub hint: Option<&'a str>,
    /// Typed day, month, year.
    pub value: (&'a str, &'a str, &'a str),
    /// The errors of the form.
    pub errors: &'a FormErrors,
}

impl Render for DateField<'_> {
    fn render(&self) -> Markup {
        let error = self.errors.get(self.name);
        let (day, month, year) = self.value;
        html! {
            div.form-group.form-group--error[error.is_some()] id=(self.name) {
                fieldset.fieldset role="group" {
                    legend.legend { (self.legend) }
                    @if let Some(hint) = self.hint { div.hint { (hint) } }
                    @if let Some(message) = error { p.error-message { span.visually-hidden { "Error: " } (message) } }
                    div.date-input {
                        div { label.label for={ (self.name) "_day" } { "Day" }
                            input.input.input--2 id={ (self.name) "_day" } name={ (self.name) "_day" } inputmode="numeric" value=(day); }
                        div { label.label for={ (self.name) "_month" } { "Month" }
                            input.input.input--2 id={ (self.name) "_month" } name={ (self.name) "_month" } inputmode="numeric" value=(month); }
                        div { label.label for={ (self.name) "_year" } { "Year" }
                            input.input.input--4 id={ (self.name) "_year" } name={ (self.name) "_year" } inputmode="numeric" value=(year); }
                    }
                }
            }
        }
    }
}

/// A group of radio buttons (one answer).
pub struct RadiosField<'a> {
    /// Name, and id of the group.
    pub name: &'a str,
    /// The question.
    pub legend: &'a str,
    /// Optional hint.
    pub hint: Option<&'a str>,
    /// (value, label, checked).
    pub options: &'a [(String, String, bool)],
    /// The errors of the form.
    pub errors: &'a FormErrors,
}

impl Render for RadiosField<'_> {
    fn render(&self) -> Markup {
        choices(
            self.name,
            self.legend,
            self.hint,
            self.options,
            self.errors,
            ("radios", "radio"),
        )
    }
}

/// A labelled multi-line text box.
pub struct TextAreaField<'a> {
    /// Name and id.
    pub name: &'a str,
    /// Label text.
    pub label: &'a str,
    /// Optional hint.
    pub hint: Option<&'a str>,
    /// Current value.
    pub value: &'a str,
    /// The errors of the form.
    pub errors: &'a FormErrors,
}

impl Render for TextAreaField<'_> {
    fn render(&self) -> Markup {
        let error = self.errors.get(self.name);
        html! {
            div.form-group.form-group--error[error.is_some()] {
                label.label for=(self.name) { (self.label) }
                @if let Some(hint) = self.hint { div.hint { (hint) } }
                @if let Some(message) = error { p.error-message id={ (self.name) "-error" } { span.visually-hidden { "Error: " } (message) } }
                textarea.textarea id=(self.name) name=(self.name) rows="4" aria-invalid=[error.map(|_| "true")] { (self.value) }
            }
        }
    }
}

/// A file chooser for one PDF.
pub struct FileField<'a> {
    /// Name and id.
    pub name: &'a str,
    /// Label text.
    pub label: &'a str,
    /// Hint.
    pub hint: Option<&'a str>,
    /// The errors of the form.
    pub errors: &'a FormErrors,
}

impl Render for FileField<'_> {
    fn render(&self) -> Markup {
        let error = self.errors.get(self.name);
        html! {
            div.form-group.form-group--error[error.is_some()] {
                label.label for=(self.name) { (self.label) }
                @if let Some(hint) = self.hint { div.hint { (hint) } }
                @if let Some(message) = error { p.error-message id={ (self.name) "-error" } { span.visually-hidden { "Error: " } (message) } }
                input.file-upload id=(self.name) name=(self.name) type="file" accept="application/pdf,.pdf";
            }
        }
    }
}
