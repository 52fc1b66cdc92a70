//! The emails Gatehouse sends to developers (and, for approvals, to administrators), their shipped texts in
//! English and Dutch, and how `$Placeholders` are filled in. Shared by the
//! server (sending) and the browser (the editor's preview), so both render
//! the same way.
use crate::i18n::Lang;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TemplateName {
    Invitation,
    SignupConfirmation,
    ResetByAdmin,
    ResetRequested,
    Welcome,
    AccountClosed,
    SubscriptionRequested,
    SubscriptionActivated,
    SubscriptionRejected,
    SubscriptionChanged,
    ApprovalNeeded,
}

/// Every placeholder a template may use, with what it stands for.
pub const PLACEHOLDERS: &[(&str, crate::i18n::Msg)] = &[
    ("DevFirstName", crate::i18n::Msg::PhFirstName),
    ("DevLastName", crate::i18n::Msg::PhLastName),
    ("DevEmail", crate::i18n::Msg::PhEmail),
    ("OrganizationName", crate::i18n::Msg::PhOrganization),
    ("DevPortalUrl", crate::i18n::Msg::PhPortalUrl),
    ("ConfirmUrl", crate::i18n::Msg::PhConfirmUrl),
    ("LinkValidFor", crate::i18n::Msg::PhLinkValidFor),
    ("ProdName", crate::i18n::Msg::PhProduct),
    ("SubscriptionName", crate::i18n::Msg::PhSubscription),
    ("SubscriptionState", crate::i18n::Msg::PhSubscriptionState),
    ("StateComment", crate::i18n::Msg::PhStateComment),
    ("ReviewUrl", crate::i18n::Msg::PhReviewUrl),
];

impl TemplateName {
    pub const ALL: [TemplateName; 11] = [
        TemplateName::Invitation,
        TemplateName::SignupConfirmation,
        TemplateName::ResetByAdmin,
        TemplateName::ResetRequested,
        TemplateName::Welcome,
        TemplateName::AccountClosed,
        TemplateName::SubscriptionRequested,
        TemplateName::SubscriptionActivated,
        TemplateName::SubscriptionRejected,
        TemplateName::SubscriptionChanged,
        TemplateName::ApprovalNeeded,
    ];

    /// Azure API Management's template name (also the REST API's).
    pub fn api_name(self) -> &'static str {
        match self {
            TemplateName::Invitation => "inviteUserNotificationMessage",
            TemplateName::SignupConfirmation => "confirmSignUpIdentityDefault",
            TemplateName::ResetByAdmin => "passwordResetByAdminNotificationMessage",
            TemplateName::ResetRequested => "passwordResetIdentityDefault",
            TemplateName::Welcome => "newDeveloperNotificationMessage",
            TemplateName::AccountClosed => "accountClosedDeveloper",
            TemplateName::SubscriptionRequested => "requestDeveloperNotificationMessage",
            TemplateName::SubscriptionActivated => "purchaseDeveloperNotificationMessage",
            TemplateName::SubscriptionRejected => "rejectDeveloperNotificationMessage",
            // Gatehouse's own: APIM sends nothing on suspension or cancellation.
            TemplateName::SubscriptionChanged => "subscriptionStateChangedDeveloper",
            TemplateName::ApprovalNeeded => "requestPublisherNotificationMessage",
        }
    }

    pub fn from_api_name(s: &str) -> Option<TemplateName> {
        TemplateName::ALL.into_iter().find(|t| t.api_name().eq_ignore_ascii_case(s))
    }

    /// The outbox's `kind` column.
    pub fn kind(self) -> &'static str {
        match self {
            TemplateName::Invitation => "invitation",
            TemplateName::SignupConfirmation => "verification",
            TemplateName::ResetByAdmin => "reset_by_admin",
            TemplateName::ResetRequested => "reset_self",
            TemplateName::Welcome => "welcome",
            TemplateName::AccountClosed => "closed",
            TemplateName::SubscriptionRequested => "subscription_requested",
            TemplateName::SubscriptionActivated => "subscription_active",
            TemplateName::SubscriptionRejected => "subscription_rejected",
            TemplateName::SubscriptionChanged => "subscription_changed",
            TemplateName::ApprovalNeeded => "approval_needed",
        }
    }

    pub fn title(self) -> crate::i18n::Msg {
        use crate::i18n::Msg;
        match self {
            TemplateName::Invitation => Msg::TplInvitation,
            TemplateName::SignupConfirmation => Msg::TplSignup,
            TemplateName::ResetByAdmin => Msg::TplResetByAdmin,
            TemplateName::ResetRequested => Msg::TplResetRequested,
            TemplateName::Welcome => Msg::TplWelcome,
            TemplateName::AccountClosed => Msg::TplClosed,
            TemplateName::SubscriptionRequested => Msg::TplSubRequested,
            TemplateName::SubscriptionActivated => Msg::TplSubActivated,
            TemplateName::SubscriptionRejected => Msg::TplSubRejected,
            TemplateName::SubscriptionChanged => Msg::TplSubChanged,
            TemplateName::ApprovalNeeded => Msg::TplApprovalNeeded,
        }
    }

    /// Whether the message carries a one-time link ($ConfirmUrl, $LinkValidFor).
    pub fn has_link(self) -> bool {
        matches!(
            self,
            TemplateName::Invitation
                | TemplateName::SignupConfirmation
                | TemplateName::ResetByAdmin
                | TemplateName::ResetRequested
        )
    }

    /// About a subscription ($ProdName, $SubscriptionName, $SubscriptionState, $StateComment).
    pub fn is_about_subscription(self) -> bool {
        matches!(
            self,
            TemplateName::SubscriptionRequested
                | TemplateName::SubscriptionActivated
                | TemplateName::SubscriptionRejected
                | TemplateName::SubscriptionChanged
                | TemplateName::ApprovalNeeded
        )
    }

    /// Goes to administrators; the $Dev… placeholders name the developer.
    pub fn to_administrators(self) -> bool {
        self == TemplateName::ApprovalNeeded
    }

    /// The placeholders this template may use.
    pub fn placeholders(self) -> Vec<&'static str> {
        PLACEHOLDERS
            .iter()
            .map(|(p, _)| *p)
            .filter(|p| match *p {
                "ConfirmUrl" | "LinkValidFor" => self.has_link(),
                "ProdName" | "SubscriptionName" | "SubscriptionState" | "StateComment" => self.is_about_subscription(),
                "ReviewUrl" => self.to_administrators(),
                _ => true,
            })
            .collect()
    }

    /// The shipped subject and body.
    pub fn default_text(self, lang: Lang) -> (&'static str, &'static str) {
        use Lang::*;
        use TemplateName::*;
        match (self, lang) {
            (Invitation, En) => (
                "You are invited to the $OrganizationName developer portal",
                "Hello $DevFirstName,\n\n$OrganizationName invites you to its developer portal, where you find our APIs, \
                 subscribe to them and get your keys.\n\nTo accept, open this link and choose a password:\n$ConfirmUrl\n\n\
                 The link works once, for $LinkValidFor. If it has expired, ask the person who invited you for a new \
                 one.\n\nIf you did not expect this invitation, you can ignore this email.",
            ),
            (Invitation, Nl) => (
                "Je bent uitgenodigd voor het ontwikkelaarsportaal van $OrganizationName",
                "Hallo $DevFirstName,\n\n$OrganizationName nodigt je uit voor zijn ontwikkelaarsportaal, waar je onze \
                 API's vindt, je erop abonneert en je sleutels krijgt.\n\nOpen deze link en kies een wachtwoord om de \
                 uitnodiging aan te nemen:\n$ConfirmUrl\n\nDe link werkt één keer, $LinkValidFor lang. Is hij verlopen, \
                 vraag dan degene die je uitnodigde om een nieuwe.\n\nVerwachtte je deze uitnodiging niet, dan kun je \
                 deze e-mail negeren.",
            ),
            (SignupConfirmation, En) => (
                "Confirm your email address for $OrganizationName",
                "Hello $DevFirstName,\n\nThank you for signing up for the $OrganizationName developer portal. Open this \
                 link to confirm that $DevEmail is your address:\n$ConfirmUrl\n\nThe link works once, for \
                 $LinkValidFor. Until then your account waits.\n\nIf you did not sign up, you can ignore this email.",
            ),
            (SignupConfirmation, Nl) => (
                "Bevestig je e-mailadres voor $OrganizationName",
                "Hallo $DevFirstName,\n\nBedankt voor je aanmelding bij het ontwikkelaarsportaal van \
                 $OrganizationName. Open deze link om te bevestigen dat $DevEmail jouw adres is:\n$ConfirmUrl\n\nDe \
                 link werkt één keer, $LinkValidFor lang. Tot dan wacht je account.\n\nHeb je je niet aangemeld, dan \
                 kun je deze e-mail negeren.",
            ),
            (ResetByAdmin, En) => (
                "Choose a new password for $OrganizationName",
                "Hello $DevFirstName,\n\nAn administrator of $OrganizationName asked us to send you a link to choose a \
                 new password for $DevEmail:\n$ConfirmUrl\n\nThe link works once, for $LinkValidFor. Your current \
                 password keeps working until you choose a new one.",
            ),
            (ResetByAdmin, Nl) => (
                "Kies een nieuw wachtwoord voor $OrganizationName",
                "Hallo $DevFirstName,\n\nEen beheerder van $OrganizationName vroeg ons je een link te sturen om een \
                 nieuw wachtwoord te kiezen voor $DevEmail:\n$ConfirmUrl\n\nDe link werkt één keer, $LinkValidFor \
                 lang. Je huidige wachtwoord blijft werken tot je een nieuw kiest.",
            ),
            (ResetRequested, En) => (
                "Reset your $OrganizationName password",
                "Hello $DevFirstName,\n\nSomeone, hopefully you, asked to reset the password of $DevEmail on the \
                 $OrganizationName developer portal. Open this link to choose a new one:\n$ConfirmUrl\n\nThe link \
                 works once, for $LinkValidFor. If you did not ask for this, ignore this email: your password stays \
                 as it is.",
            ),
            (ResetRequested, Nl) => (
                "Stel je wachtwoord voor $OrganizationName opnieuw in",
                "Hallo $DevFirstName,\n\nIemand, hopelijk jij, vroeg om het wachtwoord van $DevEmail op het \
                 ontwikkelaarsportaal van $OrganizationName opnieuw in te stellen. Open deze link om een nieuw te \
                 kiezen:\n$ConfirmUrl\n\nDe link werkt één keer, $LinkValidFor lang. Vroeg je hier niet om, negeer \
                 deze e-mail dan: je wachtwoord blijft zoals het is.",
            ),
            (Welcome, En) => (
                "Welcome to the $OrganizationName developer portal",
                "Hello $DevFirstName,\n\nYour account is active. Sign in at $DevPortalUrl with $DevEmail to find our \
                 APIs and get your keys.",
            ),
            (Welcome, Nl) => (
                "Welkom bij het ontwikkelaarsportaal van $OrganizationName",
                "Hallo $DevFirstName,\n\nJe account is actief. Log in op $DevPortalUrl met $DevEmail om onze API's te \
                 vinden en je sleutels te krijgen.",
            ),
            (AccountClosed, En) => (
                "Your $OrganizationName developer account is closed",
                "Hello $DevFirstName,\n\nYour account $DevEmail on the $OrganizationName developer portal has been \
                 closed. Its subscriptions and keys no longer work.\n\nIf you think this is a mistake, contact the \
                 team that runs the portal.",
            ),
            (AccountClosed, Nl) => (
                "Je ontwikkelaarsaccount bij $OrganizationName is opgeheven",
                "Hallo $DevFirstName,\n\nJe account $DevEmail op het ontwikkelaarsportaal van $OrganizationName is \
                 opgeheven. De abonnementen en sleutels ervan werken niet meer.\n\nDenk je dat dit een vergissing is, \
                 neem dan contact op met het team achter het portaal.",
            ),
            (SubscriptionRequested, En) => (
                "Your request for $ProdName was received",
                "Hello $DevFirstName,\n\nThank you for subscribing to $ProdName. An administrator of \
                 $OrganizationName reviews each request for this product; we will email you when yours is approved \
                 or declined.\n\nYour subscriptions: $DevPortalUrl/subscriptions",
            ),
            (SubscriptionRequested, Nl) => (
                "Je aanvraag voor $ProdName is ontvangen",
                "Hallo $DevFirstName,\n\nBedankt voor je abonnement op $ProdName. Een beheerder van \
                 $OrganizationName beoordeelt elke aanvraag voor dit product; we mailen je zodra de jouwe is \
                 goedgekeurd of afgewezen.\n\nJe abonnementen: $DevPortalUrl/subscriptions",
            ),
            (SubscriptionActivated, En) => (
                "Your subscription to $ProdName is active",
                "Hello $DevFirstName,\n\nYour subscription \"$SubscriptionName\" to $ProdName is active. Your keys are \
                 on your Subscriptions page: $DevPortalUrl/subscriptions",
            ),
            (SubscriptionActivated, Nl) => (
                "Je abonnement op $ProdName is actief",
                "Hallo $DevFirstName,\n\nJe abonnement \"$SubscriptionName\" op $ProdName is actief. Je sleutels staan \
                 op je pagina Abonnementen: $DevPortalUrl/subscriptions",
            ),
            (SubscriptionRejected, En) => (
                "Your request for $ProdName was declined",
                "Hello $DevFirstName,\n\nAn administrator of $OrganizationName declined your request to subscribe to \
                 $ProdName.\n\nTheir comment: $StateComment",
            ),
            (SubscriptionRejected, Nl) => (
                "Je aanvraag voor $ProdName is afgewezen",
                "Hallo $DevFirstName,\n\nEen beheerder van $OrganizationName heeft je aanvraag voor een abonnement op \
                 $ProdName afgewezen.\n\nToelichting: $StateComment",
            ),
            (SubscriptionChanged, En) => (
                "Your subscription to $ProdName is now $SubscriptionState",
                "Hello $DevFirstName,\n\nYour subscription \"$SubscriptionName\" to $ProdName is now \
                 $SubscriptionState. While it is not active, its keys are refused.\n\nComment: $StateComment\n\n\
                 Your subscriptions: $DevPortalUrl/subscriptions",
            ),
            (SubscriptionChanged, Nl) => (
                "Je abonnement op $ProdName is nu $SubscriptionState",
                "Hallo $DevFirstName,\n\nJe abonnement \"$SubscriptionName\" op $ProdName is nu $SubscriptionState. \
                 Zolang het niet actief is, worden de sleutels ervan geweigerd.\n\nToelichting: $StateComment\n\n\
                 Je abonnementen: $DevPortalUrl/subscriptions",
            ),
            (ApprovalNeeded, En) => (
                "$DevFirstName $DevLastName asks to subscribe to $ProdName",
                "$DevFirstName $DevLastName ($DevEmail) asks to subscribe to $ProdName, which needs an \
                 administrator's approval.\n\nApprove or reject it here: $ReviewUrl",
            ),
            (ApprovalNeeded, Nl) => (
                "$DevFirstName $DevLastName vraagt een abonnement op $ProdName",
                "$DevFirstName $DevLastName ($DevEmail) vraagt een abonnement op $ProdName, waarvoor goedkeuring van \
                 een beheerder nodig is.\n\nKeur het hier goed of af: $ReviewUrl",
            ),
        }
    }
}

/// What the placeholders stand for in one message.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Values {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub organization: String,
    pub portal_url: String,
    pub confirm_url: String,
    pub link_valid_for: String,
    pub product: String,
    pub subscription: String,
    pub subscription_state: String,
    pub state_comment: String,
    pub review_url: String,
}

impl Values {
    fn get(&self, name: &str) -> Option<&str> {
        Some(match name {
            "DevFirstName" => &self.first_name,
            "DevLastName" => &self.last_name,
            "DevEmail" => &self.email,
            "OrganizationName" => &self.organization,
            "DevPortalUrl" => &self.portal_url,
            "ConfirmUrl" => &self.confirm_url,
            "LinkValidFor" => &self.link_valid_for,
            "ProdName" => &self.product,
            "SubscriptionName" => &self.subscription,
            "SubscriptionState" => &self.subscription_state,
            "StateComment" => &self.state_comment,
            "ReviewUrl" => &self.review_url,
            _ => return None,
        })
    }

    /// Made-up values for previews and test sends.
    pub fn sample(lang: Lang, organization: &str, portal_url: &str, valid_for_secs: i64) -> Values {
        Values {
            first_name: "Ada".into(),
            last_name: "Lovelace".into(),
            email: "ada@example.com".into(),
            organization: organization.into(),
            portal_url: portal_url.into(),
            confirm_url: format!("{portal_url}/l/example/this-link-is-only-a-sample"),
            link_valid_for: duration_text(valid_for_secs, lang),
            product: "Starter".into(),
            subscription: "My app".into(),
            subscription_state: crate::i18n::Msg::SubSuspended.text(lang).to_lowercase(),
            state_comment: "-".into(),
            review_url: format!("{portal_url}/admin/subscriptions?state=submitted"),
        }
    }
}

/// A piece of template text: literal text or a `$Name`.
enum Piece<'a> {
    Text(&'a str),
    Placeholder(&'a str),
}

/// `$` followed by letters is a placeholder; any other `$` is text ("$5").
fn pieces(s: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find('$') {
        let after = &rest[i + 1..];
        let len = after.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(after.len());
        if len > 0 && after.as_bytes()[0].is_ascii_alphabetic() {
            out.push(Piece::Text(&rest[..i]));
            out.push(Piece::Placeholder(&after[..len]));
            rest = &after[len..];
        } else {
            out.push(Piece::Text(&rest[..i + 1]));
            rest = after;
        }
    }
    out.push(Piece::Text(rest));
    out
}

/// Placeholders in `text` that `name` does not know, in order of appearance.
pub fn unknown_placeholders(name: TemplateName, text: &str) -> Vec<String> {
    let known = name.placeholders();
    let mut unknown: Vec<String> = Vec::new();
    for p in pieces(text) {
        if let Piece::Placeholder(p) = p {
            let shown = format!("${p}");
            if !known.contains(&p) && !unknown.contains(&shown) {
                unknown.push(shown);
            }
        }
    }
    unknown
}

/// The plain-text rendering (subject or body).
pub fn render_text(text: &str, v: &Values) -> String {
    pieces(text)
        .into_iter()
        .map(|p| match p {
            Piece::Text(t) => t.to_string(),
            Piece::Placeholder(name) => v.get(name).map(str::to_string).unwrap_or_else(|| format!("${name}")),
        })
        .collect()
}

pub fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The HTML part: blank lines separate paragraphs, URLs become links, and
/// every value is escaped (a name like `<script>` stays text).
pub fn render_html(body: &str, v: &Values) -> String {
    let mut html = String::from(
        "<!DOCTYPE html><html><body style=\"font-family:system-ui,sans-serif;line-height:1.5;color:#1f2933\">",
    );
    for para in body.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        html.push_str("<p>");
        for (i, line) in para.lines().enumerate() {
            if i > 0 {
                html.push_str("<br>");
            }
            let mut parts = pieces(line).into_iter().peekable();
            while let Some(p) = parts.next() {
                match p {
                    Piece::Text(t) => html.push_str(&html_escape(t)),
                    Piece::Placeholder(name @ ("ConfirmUrl" | "DevPortalUrl" | "ReviewUrl")) => {
                        let mut url = v.get(name).unwrap_or_default().to_string();
                        // "$DevPortalUrl/subscriptions": the path belongs in the link.
                        let mut rest = "";
                        if let Some(Piece::Text(t)) =
                            parts.next_if(|p| matches!(p, Piece::Text(t) if t.starts_with('/')))
                        {
                            let end = t.find(char::is_whitespace).unwrap_or(t.len());
                            let end = t[..end].trim_end_matches(['.', ',', ')', ';', ':']).len();
                            url.push_str(&t[..end]);
                            rest = &t[end..];
                        }
                        let url = html_escape(&url);
                        html.push_str(&format!("<a href=\"{url}\">{url}</a>"));
                        html.push_str(&html_escape(rest));
                    }
                    Piece::Placeholder(name) => match v.get(name) {
                        Some(val) => html.push_str(&html_escape(val)),
                        None => html.push_str(&html_escape(&format!("${name}"))),
                    },
                }
            }
        }
        html.push_str("</p>");
    }
    html.push_str("</body></html>");
    html
}

/// "2 days", "1 hour", "30 minutes" in the reader's language.
pub fn duration_text(secs: i64, lang: Lang) -> String {
    let (n, unit) = if secs >= 86_400 && secs % 86_400 == 0 {
        (secs / 86_400, 0)
    } else if secs >= 3600 && secs % 3600 == 0 {
        (secs / 3600, 1)
    } else {
        ((secs + 59) / 60, 2)
    };
    let word = match (lang, unit, n == 1) {
        (Lang::En, 0, true) => "day",
        (Lang::En, 0, false) => "days",
        (Lang::En, 1, true) => "hour",
        (Lang::En, 1, false) => "hours",
        (Lang::En, _, true) => "minute",
        (Lang::En, _, false) => "minutes",
        (Lang::Nl, 0, true) => "dag",
        (Lang::Nl, 0, false) => "dagen",
        (Lang::Nl, 1, _) => "uur",
        (Lang::Nl, _, true) => "minuut",
        (Lang::Nl, _, false) => "minuten",
    };
    format!("{n} {word}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> Values {
        Values::sample(Lang::En, "Acme", "https://portal.example", 172_800)
    }

    #[test]
    fn every_default_uses_only_its_own_placeholders_and_links_where_it_must() {
        for t in TemplateName::ALL {
            for lang in Lang::ALL {
                let (subject, body) = t.default_text(lang);
                assert!(unknown_placeholders(t, subject).is_empty(), "{t:?} {lang:?}");
                assert!(unknown_placeholders(t, body).is_empty(), "{t:?} {lang:?}");
                assert_eq!(body.contains("$ConfirmUrl"), t.has_link(), "{t:?} {lang:?}");
            }
        }
    }

    #[test]
    fn placeholders_are_filled_and_unknown_ones_reported() {
        let v = values();
        assert_eq!(render_text("Hi $DevFirstName, costs $5 at $OrganizationName.", &v), "Hi Ada, costs $5 at Acme.");
        assert_eq!(render_text("valid $LinkValidFor", &v), "valid 2 days");
        assert_eq!(
            unknown_placeholders(TemplateName::Welcome, "$DevFirstName $ConfirmUrl $Nope $Nope"),
            ["$ConfirmUrl", "$Nope"]
        );
    }

    #[test]
    fn html_escapes_values_and_links_urls() {
        let mut v = values();
        v.first_name = "<b>Ada</b>".into();
        let html = render_html("Hi $DevFirstName\nline two\n\nGo: $ConfirmUrl", &v);
        assert!(html.contains("<p>Hi &lt;b&gt;Ada&lt;/b&gt;<br>line two</p>"), "{html}");
        assert!(html.contains("<a href=\"https://portal.example/l/example/this-link-is-only-a-sample\">"), "{html}");
    }

    #[test]
    fn a_path_after_a_url_placeholder_is_part_of_the_link() {
        let html = render_html("Keys: $DevPortalUrl/subscriptions.", &values());
        assert!(
            html.contains("<a href=\"https://portal.example/subscriptions\">https://portal.example/subscriptions</a>."),
            "{html}"
        );
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration_text(172_800, Lang::En), "2 days");
        assert_eq!(duration_text(3600, Lang::En), "1 hour");
        assert_eq!(duration_text(3600, Lang::Nl), "1 uur");
        assert_eq!(duration_text(1800, Lang::Nl), "30 minuten");
        assert_eq!(duration_text(90_000, Lang::En), "25 hours");
    }
}
