//! The one translation mechanism. Every user-facing string is a `Msg`; the
//! macro below forces an English and a Dutch text for each, so a missing
//! translation is a compile error rather than a blank in the page.
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Lang {
    #[default]
    En,
    Nl,
}

/// Cookie that remembers an explicit choice made with the language switch.
pub const LANG_COOKIE: &str = "gatehouse_lang";

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Nl];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Nl => "nl",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "nl" => Some(Lang::Nl),
            _ => None,
        }
    }

    /// The language's own name, shown in the switch.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Nl => "Nederlands",
        }
    }

    /// Picks the language for a request: an explicit cookie wins, then the
    /// first supported entry of Accept-Language by quality, then English.
    pub fn negotiate(cookie_header: Option<&str>, accept_language: Option<&str>) -> Lang {
        if let Some(cookies) = cookie_header {
            for pair in cookies.split(';') {
                if let Some((k, v)) = pair.trim().split_once('=') {
                    if k == LANG_COOKIE {
                        if let Some(l) = Lang::from_code(v) {
                            return l;
                        }
                    }
                }
            }
        }
        let mut best: Option<(f32, Lang)> = None;
        for item in accept_language.unwrap_or("").split(',') {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or("");
            let q = parts.find_map(|p| p.trim().strip_prefix("q=").and_then(|v| v.parse::<f32>().ok())).unwrap_or(1.0);
            if let Some(l) = Lang::from_code(tag) {
                if best.is_none_or(|(bq, _)| q > bq) {
                    best = Some((q, l));
                }
            }
        }
        best.map(|(_, l)| l).unwrap_or_default()
    }
}

macro_rules! messages {
    ($($key:ident => $en:expr, $nl:expr;)*) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Msg { $($key),* }
        impl Msg {
            pub const ALL: &'static [Msg] = &[$(Msg::$key),*];
            /// The names, in the order of `ALL`: the wire form.
            const NAMES: &'static [&'static str] = &[$(stringify!($key)),*];
            pub fn text(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $( (Msg::$key, Lang::En) => $en, (Msg::$key, Lang::Nl) => $nl, )*
                }
            }
        }
    };
}

messages! {
    AppName => "Gatehouse", "Gatehouse";
    Tagline => "Developer portal", "Ontwikkelaarsportaal";
    Language => "Language", "Taal";
    // navigation
    NavHome => "Home", "Home";
    NavSignIn => "Sign in", "Inloggen";
    NavSignOut => "Sign out", "Uitloggen";
    NavProfile => "Profile", "Profiel";
    NavAdmin => "Administration", "Beheer";
    NavPortal => "Developer portal", "Ontwikkelaarsportaal";
    NavDashboard => "Dashboard", "Dashboard";
    NavUsers => "Users", "Gebruikers";
    NavGroups => "Groups", "Groepen";
    NavProducts => "Products", "Producten";
    NavApis => "APIs", "API's";
    NavSubscriptions => "Subscriptions", "Abonnementen";
    NavEmails => "Emails", "E-mails";
    NavActivity => "Activity", "Activiteit";
    SubscriptionHistory => "History", "Geschiedenis";
    ActivityOneRecord => "Showing the history of one record.", "Alleen de geschiedenis van één record.";
    ActivityShowAll => "Show all activity", "Alle activiteit tonen";
    NavTokens => "Access tokens", "Toegangstokens";
    TokensIntro => "Tokens let scripts, Terraform and SDKs call the management API (Authorization: Bearer …) as the administrator who created them. A token is shown once; it stops working when it is revoked, expires, or its administrator is blocked or deleted.", "Met tokens roepen scripts, Terraform en SDK's de beheer-API aan (Authorization: Bearer …) als de beheerder die ze aanmaakte. Een token wordt één keer getoond; het werkt niet meer na intrekken, verlopen, of als de beheerder geblokkeerd of verwijderd is.";
    NewToken => "New access token", "Nieuw toegangstoken";
    TokenName => "Name", "Naam";
    PhTokenName => "what it is for, e.g. Terraform CI", "waarvoor het is, bv. Terraform CI";
    TokenExpiry => "Expires after", "Verloopt na";
    TokenNoExpiry => "Never", "Nooit";
    TokenDays => "{0} days", "{0} dagen";
    CreateToken => "Create token", "Token aanmaken";
    TokenCreatedFor => "Token “{0}” created.", "Token “{0}” aangemaakt.";
    TokenShownOnce => "Copy it now: it is not shown again. Gatehouse keeps only a hash of it.", "Kopieer het nu: het wordt niet opnieuw getoond. Gatehouse bewaart alleen een hash ervan.";
    TokenUsage => "Send it as the header Authorization: Bearer <token>. The API document is at /openapi.json.", "Stuur het mee als header Authorization: Bearer <token>. Het API-document staat op /openapi.json.";
    TokenRevokedNotice => "Token “{0}” revoked: it no longer works.", "Token “{0}” ingetrokken: het werkt niet meer.";
    ConfirmRevokeToken => "Revoke the token “{0}”?", "Het token “{0}” intrekken?";
    ConfirmRevokeTokenBody => "Every script that uses it gets 401 from its next call on. This cannot be undone.", "Elk script dat het gebruikt krijgt vanaf de volgende aanroep 401. Dit kan niet ongedaan worden gemaakt.";
    NoTokens => "No access tokens yet. Create one above to use the management API.", "Nog geen toegangstokens. Maak er hierboven een aan om de beheer-API te gebruiken.";
    TokenOwner => "Administrator", "Beheerder";
    TokenExpires => "Expires", "Verloopt";
    TokenLastUsed => "Last used", "Laatst gebruikt";
    TokenNeverUsed => "Never used", "Nooit gebruikt";
    TokenActive => "Active", "Actief";
    TokenExpired => "Expired", "Verlopen";
    TokenRevoked => "Revoked", "Ingetrokken";
    ErrTokenExpiry => "Choose an expiry of at most 3650 days.", "Kies een geldigheid van hoogstens 3650 dagen.";
    ActTokenCreated => "Access token created", "Toegangstoken aangemaakt";
    ActTokenRevoked => "Access token revoked", "Toegangstoken ingetrokken";
    SkipToContent => "Skip to content", "Naar de inhoud";
    // sign in
    SignInTitle => "Sign in to Gatehouse", "Inloggen bij Gatehouse";
    SignInIntro => "Use the email address and password of your account.", "Gebruik het e-mailadres en wachtwoord van je account.";
    Email => "Email", "E-mail";
    Password => "Password", "Wachtwoord";
    SignInButton => "Sign in", "Inloggen";
    SigningIn => "Signing in…", "Bezig met inloggen…";
    InvalidCredentials => "Email or password is incorrect.", "E-mailadres of wachtwoord is onjuist.";
    Throttled => "Too many failed attempts. Try again in {0} seconds.", "Te veel mislukte pogingen. Probeer het over {0} seconden opnieuw.";
    TooManyRequests => "Too many requests from your address. Try again in {0} seconds.", "Te veel verzoeken vanaf jouw adres. Probeer het over {0} seconden opnieuw.";
    ErrBusy => "Gatehouse is very busy right now. Try again in {0} seconds.", "Gatehouse heeft het nu erg druk. Probeer het over {0} seconden opnieuw.";
    // errors
    ErrUnauthenticated => "Please sign in first.", "Log eerst in.";
    ErrForbidden => "You do not have access to this page.", "Je hebt geen toegang tot deze pagina.";
    ErrPasswordChangeRequired => "Choose a new password before you continue.", "Kies eerst een nieuw wachtwoord.";
    ErrNotFound => "That page or record does not exist.", "Die pagina of dat item bestaat niet.";
    ErrInternal => "Something went wrong on our side. Please try again.", "Er ging bij ons iets mis. Probeer het opnieuw.";
    ErrNetwork => "Could not reach the server: {0}", "De server is niet bereikbaar: {0}";
    ErrValidation => "Please correct the highlighted fields.", "Verbeter de gemarkeerde velden.";
    ErrRequired => "This field is required.", "Dit veld is verplicht.";
    ErrPasswordTooShort => "Use at least {0} characters.", "Gebruik minstens {0} tekens.";
    ErrPasswordTooLong => "Use at most {0} characters.", "Gebruik hoogstens {0} tekens.";
    ErrPasswordMismatch => "The two passwords are not the same.", "De twee wachtwoorden zijn niet gelijk.";
    ErrCurrentPasswordWrong => "The current password is incorrect.", "Het huidige wachtwoord is onjuist.";
    ErrPasswordSameAsOld => "Choose a password different from the current one.", "Kies een ander wachtwoord dan het huidige.";
    NotFoundTitle => "Page not found", "Pagina niet gevonden";
    ForbiddenTitle => "No access", "Geen toegang";
    BackHome => "Back to the home page", "Terug naar de startpagina";
    Loading => "Loading…", "Laden…";
    // admin
    AdminTitle => "Administration", "Beheer";
    SignedInAs => "Signed in as {0}", "Ingelogd als {0}";
    DashboardTitle => "Dashboard", "Dashboard";
    DashboardIntro => "An overview of the accounts and groups in this Gatehouse.", "Een overzicht van de accounts en groepen in deze Gatehouse.";
    StatUsers => "Accounts", "Accounts";
    StatActive => "Active", "Actief";
    StatBlocked => "Blocked", "Geblokkeerd";
    StatPending => "Pending", "In afwachting";
    StatGroups => "Groups", "Groepen";
    StatAdmins => "Administrators", "Beheerders";
    Refresh => "Refresh", "Vernieuwen";
    ProductsEmpty => "Create your first product: a bundle of APIs, with the groups that may see it.", "Maak je eerste product: een bundel API's, met de groepen die het mogen zien.";
    SubscriptionsEmpty => "Developers' subscriptions to products: approve or reject requests, suspend, reactivate and cancel.", "Abonnementen van ontwikkelaars op producten: keur aanvragen goed of af, schort op, heractiveer en zeg op.";
    EmailsIntro => "Every email Gatehouse sends, newest first, with its delivery state. Temporary SMTP failures are retried with growing waits; a message the server refused can be retried here.", "Elke e-mail die Gatehouse verstuurt, nieuwste eerst, met de bezorgstatus. Tijdelijke SMTP-fouten worden met steeds langere pauzes opnieuw geprobeerd; een bericht dat de server weigerde, kun je hier opnieuw versturen.";
    EmailsKeeping => "No SMTP server is configured: messages are kept here and as .eml files in the data folder, not sent. Set GATEHOUSE_SMTP_HOST to send them.", "Er is geen SMTP-server ingesteld: berichten worden hier en als .eml-bestanden in de datamap bewaard, niet verstuurd. Stel GATEHOUSE_SMTP_HOST in om ze te versturen.";
    NoEmails => "No email has been sent yet.", "Er is nog geen e-mail verstuurd.";
    SendTestEmail => "Send a test message to me", "Stuur mij een testbericht";
    TestEmailQueued => "The test message is queued; its state shows below.", "Het testbericht staat in de wachtrij; de status staat hieronder.";
    TestEmailSubject => "Gatehouse test message", "Testbericht van Gatehouse";
    TestEmailBody => "Hello {0}, this is a test message from Gatehouse at {1}. If you can read it, email delivery works.", "Hallo {0}, dit is een testbericht van Gatehouse op {1}. Als je dit kunt lezen, werkt het versturen van e-mail.";
    EmailTo => "To", "Aan";
    EmailSubject => "Subject", "Onderwerp";
    EmailAttempts => "Attempts", "Pogingen";
    EmailServerReply => "Server reply", "Antwoord van de server";
    EmailQueued => "Queued", "In de wachtrij";
    EmailSending => "Sending", "Bezig";
    EmailSent => "Sent", "Verstuurd";
    EmailKept => "Kept (no SMTP)", "Bewaard (geen SMTP)";
    EmailFailed => "Failed", "Mislukt";
    EmailCancelled => "Cancelled", "Geannuleerd";
    EmailNotFailed => "Only a failed message can be retried.", "Alleen een mislukt bericht kan opnieuw worden verstuurd.";
    EmailLinkRemoved => "This message carried a one-time link, which was removed when it failed. Send a new invitation or reset link instead.", "Dit bericht bevatte een eenmalige link, die is verwijderd toen het mislukte. Stuur in plaats daarvan een nieuwe uitnodiging of resetlink.";
    Retry => "Retry", "Opnieuw";
    ChunkFailed => "This screen could not be loaded. Check the connection and try again.", "Dit scherm kon niet worden geladen. Controleer de verbinding en probeer het opnieuw.";
    ComingSoon => "Nothing here yet.", "Hier staat nog niets.";
    // portal
    PortalWelcome => "Welcome to the developer portal", "Welkom bij het ontwikkelaarsportaal";
    PortalIntro => "Find the APIs published here, subscribe to products and manage your subscription keys.", "Vind de API's die hier gepubliceerd zijn, abonneer je op producten en beheer je abonnementssleutels.";
    PortalNoProducts => "No products are published for you yet.", "Er zijn nog geen producten voor jou gepubliceerd.";
    PortalSignInHint => "Sign in to see the products available to your groups.", "Log in om de producten te zien die voor jouw groepen beschikbaar zijn.";
    ProfileTitle => "Your profile", "Je profiel";
    Name => "Name", "Naam";
    Groups => "Groups", "Groepen";
    ChangePassword => "Change password", "Wachtwoord wijzigen";
    CurrentPassword => "Current password", "Huidig wachtwoord";
    NewPassword => "New password", "Nieuw wachtwoord";
    ConfirmPassword => "Repeat the new password", "Herhaal het nieuwe wachtwoord";
    PasswordRule => "At least {0} and at most {1} characters, and not one of the passwords everyone tries first. Long passphrases are welcome.", "Minstens {0} en hoogstens {1} tekens, en geen van de wachtwoorden die iedereen als eerste probeert. Lange wachtzinnen zijn welkom.";
    ErrPasswordCommon => "This is one of the most common passwords, which attackers try first. Choose another.", "Dit is een van de meest gebruikte wachtwoorden, die aanvallers als eerste proberen. Kies een ander.";
    CsvInviteTitle => "Invite many from a CSV", "Velen uitnodigen vanuit een CSV";
    CsvInviteIntro => "One developer per line: email, first name, last name. Check first: nothing is sent until you confirm what the check found.", "Eén ontwikkelaar per regel: e-mail, voornaam, achternaam. Controleer eerst: er gaat niets weg tot je bevestigt wat de controle vond.";
    CsvLabel => "Paste the rows", "Plak de rijen";
    CsvHelp => "Commas, semicolons or tabs; a header row may name the columns (email, first name, last name) in any order. At most 10,000 rows.", "Komma's, puntkomma's of tabs; een kopregel mag de kolommen (e-mail, voornaam, achternaam) in elke volgorde noemen. Hoogstens 10.000 rijen.";
    CsvFile => "Or choose a file", "Of kies een bestand";
    CsvCheck => "Check", "Controleren";
    CsvSummary => "{0} new, {1} already have an account, {2} duplicates in the file, {3} invalid.", "{0} nieuw, {1} hebben al een account, {2} dubbel in het bestand, {3} ongeldig.";
    CsvLine => "Line", "Regel";
    CsvWhat => "What happens", "Wat er gebeurt";
    CsvExists => "Skipped: an account with this address exists.", "Overgeslagen: er bestaat al een account met dit adres.";
    CsvDuplicate => "Skipped: this address is on an earlier line.", "Overgeslagen: dit adres staat op een eerdere regel.";
    CsvMoreProblems => "…and {0} more rows that are skipped.", "…en nog {0} rijen die worden overgeslagen.";
    CsvSend => "Send {0} invitations", "{0} uitnodigingen versturen";
    CsvProgress => "{0} of {1} done: {2} invited, {3} failed.", "{0} van {1} klaar: {2} uitgenodigd, {3} mislukt.";
    ErrCsvTooManyRows => "One import takes at most {0} rows. Split the file.", "Eén import neemt hoogstens {0} rijen. Splits het bestand.";
    Templates => "Email templates", "E-mailsjablonen";
    Template => "Template", "Sjabloon";
    TemplatesIntro => "The emails developers receive, in English and Dutch. Edit the subject and text; placeholders such as $DevFirstName are filled in for each message.", "De e-mails die ontwikkelaars krijgen, in het Engels en Nederlands. Pas onderwerp en tekst aan; plaatshouders zoals $DevFirstName worden per bericht ingevuld.";
    TemplateDefault => "Default text", "Standaardtekst";
    TemplateEditedIn => "Edited: {0}", "Aangepast: {0}";
    TemplateEditedBy => "Edited by {0}, {1}", "Aangepast door {0}, {1}";
    TemplateBody => "Text", "Tekst";
    Placeholders => "Placeholders", "Plaatshouders";
    PlaceholdersHelp => "Type these in the subject or text; each message gets its own values. Blank lines separate paragraphs.", "Typ deze in het onderwerp of de tekst; elk bericht krijgt zijn eigen waarden. Lege regels scheiden alinea's.";
    SendTest => "Send test to me", "Test naar mij sturen";
    ResetToDefault => "Reset to default", "Standaardtekst herstellen";
    Preview => "Preview (sample data)", "Voorbeeld (voorbeeldgegevens)";
    TemplateSaved => "Saved. New messages use this text.", "Opgeslagen. Nieuwe berichten gebruiken deze tekst.";
    TemplateTestSent => "A test message with this text is on its way to you.", "Er is een testbericht met deze tekst naar je onderweg.";
    TemplateResetDone => "The default text is back.", "De standaardtekst is terug.";
    ConfirmResetTemplateTitle => "Go back to the default text?", "Terug naar de standaardtekst?";
    ConfirmResetTemplateBody => "Your edits of this language are removed. New messages use the text shipped with Gatehouse.", "Je aanpassingen in deze taal worden verwijderd. Nieuwe berichten gebruiken de tekst die met Gatehouse meekomt.";
    ErrUnknownPlaceholders => "Unknown placeholders: {0}. Use only the ones listed beside the editor.", "Onbekende plaatshouders: {0}. Gebruik alleen die naast de editor staan.";
    ErrOneLine => "A subject is one line.", "Een onderwerp is één regel.";
    ErrConfirmUrlRequired => "This email carries a one-time link: the body must contain $ConfirmUrl.", "Deze e-mail bevat een eenmalige link: de tekst moet $ConfirmUrl bevatten.";
    // invitations
    All => "All", "Alle";
    NavInvitations => "Invitations", "Uitnodigingen";
    NavSettings => "Settings", "Instellingen";
    InviteButton => "+ Invite", "+ Uitnodigen";
    InviteUser => "Invite a developer", "Een ontwikkelaar uitnodigen";
    InviteIntro => "The account is created as pending and an email with a link goes to the address. The developer chooses a password with the link; until then the account cannot sign in.", "Het account wordt aangemaakt als in afwachting en er gaat een e-mail met een link naar het adres. Met de link kiest de ontwikkelaar een wachtwoord; tot dan kan het account niet inloggen.";
    EmailLanguage => "Language of the email", "Taal van de e-mail";
    SendInvitation => "Send invitation", "Uitnodiging versturen";
    InvitationSentTo => "Invitation sent to {0}.", "Uitnodiging verstuurd naar {0}.";
    SeeInvitations => "See all invitations", "Alle uitnodigingen bekijken";
    InvitationsIntro => "Every invitation and what became of it. Resend sends a new link (the old one stops working); Revoke stops the link at once.", "Elke uitnodiging en wat ermee gebeurde. Opnieuw sturen verstuurt een nieuwe link (de oude werkt dan niet meer); Intrekken laat de link meteen ophouden.";
    InvPending => "Pending", "Openstaand";
    InvAccepted => "Accepted", "Aangenomen";
    InvExpired => "Expired", "Verlopen";
    InvRevoked => "Revoked", "Ingetrokken";
    InvitationCount => "{0} invitations", "{0} uitnodigingen";
    InvitedBy => "Invited by", "Uitgenodigd door";
    LastSent => "Last sent", "Laatst verstuurd";
    LinkExpires => "Link expires / accepted", "Link verloopt / aangenomen";
    NoInvitations => "No invitations here yet.", "Hier zijn nog geen uitnodigingen.";
    Resend => "Resend", "Opnieuw sturen";
    Revoke => "Revoke", "Intrekken";
    InvitationResentTo => "A new invitation link was sent to {0}.", "Er is een nieuwe uitnodigingslink naar {0} gestuurd.";
    InvitationRevokedFor => "The invitation of {0} is revoked.", "De uitnodiging van {0} is ingetrokken.";
    ConfirmRevokeTitle => "Revoke the invitation of {0}?", "De uitnodiging van {0} intrekken?";
    ConfirmRevokeBody => "The link in the email stops working at once. The account stays pending; you can resend an invitation or delete the account later.", "De link in de e-mail werkt meteen niet meer. Het account blijft in afwachting; je kunt later opnieuw uitnodigen of het account verwijderen.";
    InvitedByOn => "Invited by {0} on {1}.", "Uitgenodigd door {0} op {1}.";
    ResendInvitation => "Resend invitation", "Uitnodiging opnieuw sturen";
    DoneInvitationResent => "A new invitation link was sent; the old one no longer works.", "Er is een nieuwe uitnodigingslink verstuurd; de oude werkt niet meer.";
    DoneInvitationRevoked => "The invitation is revoked.", "De uitnodiging is ingetrokken.";
    ErrInvitationAccepted => "This invitation was already accepted.", "Deze uitnodiging is al aangenomen.";
    InvitationWelcome => "Welcome, {0}", "Welkom, {0}";
    InvitationWho => "{0} invited {1} ({2}) to its developer portal. Choose a password to accept.", "{0} heeft {1} ({2}) uitgenodigd voor zijn ontwikkelaarsportaal. Kies een wachtwoord om de uitnodiging aan te nemen.";
    LinkValidUntil => "This link works until {0}.", "Deze link werkt tot {0}.";
    ChoosePassword => "Choose a password", "Kies een wachtwoord";
    AcceptInvitation => "Accept and sign in", "Aannemen en inloggen";
    // links that cannot be used
    LinkMissingTitle => "Open the link from your email", "Open de link uit je e-mail";
    LinkMissingBody => "This page works with the link we emailed you. Open that link again (in this browser).", "Deze pagina werkt met de link die we je mailden. Open die link opnieuw (in deze browser).";
    LinkUnknownTitle => "This link is not valid", "Deze link is niet geldig";
    LinkUnknownBody => "We do not recognise this link. It may be incomplete (copied only in part), or its account no longer exists.", "We herkennen deze link niet. Misschien is hij onvolledig (maar deels gekopieerd), of bestaat het account niet meer.";
    LinkUsedTitle => "This link was already used", "Deze link is al gebruikt";
    LinkUsedBody => "Each link works once, and this one has done its work.", "Elke link werkt één keer, en deze heeft zijn werk al gedaan.";
    LinkExpiredTitle => "This link has expired", "Deze link is verlopen";
    LinkExpiredBody => "Links work for a limited time, for your safety, and this one's time is up.", "Links werken een beperkte tijd, voor je veiligheid, en de tijd van deze is om.";
    LinkReplacedTitle => "A newer link was sent", "Er is een nieuwere link verstuurd";
    LinkReplacedBody => "Only the newest link works. Look for the most recent email and use the link in that one.", "Alleen de nieuwste link werkt. Zoek de meest recente e-mail en gebruik de link daarin.";
    LinkRevokedTitle => "This invitation was revoked", "Deze uitnodiging is ingetrokken";
    LinkRevokedBody => "An administrator withdrew this invitation.", "Een beheerder heeft deze uitnodiging ingetrokken.";
    LinkCancelledTitle => "This link no longer works", "Deze link werkt niet meer";
    LinkCancelledBody => "The account changed since the link was sent (for example its address, or it was blocked or activated).", "Het account is veranderd sinds de link werd verstuurd (bijvoorbeeld het adres, of het werd geblokkeerd of geactiveerd).";
    LinkUsedInvitationNext => "If you accepted the invitation, sign in with your email address and the password you chose.", "Heb je de uitnodiging aangenomen, log dan in met je e-mailadres en het wachtwoord dat je koos.";
    LinkInvitationNext => "Ask the person who invited you to send a new invitation.", "Vraag degene die je uitnodigde om een nieuwe uitnodiging te sturen.";
    LinkUsedVerificationNext => "Your address is confirmed: sign in with your email address and password.", "Je adres is bevestigd: log in met je e-mailadres en wachtwoord.";
    LinkVerificationNext => "Sign up again, or ask an administrator to send a new verification email.", "Meld je opnieuw aan, of vraag een beheerder om een nieuwe bevestigingsmail.";
    LinkResetNext => "Ask for a new link on the Forgot password page.", "Vraag een nieuwe link aan op de pagina Wachtwoord vergeten.";
    RequestNewLink => "Ask for a new link", "Nieuwe link aanvragen";
    // password reset
    ForgotLink => "Forgot your password?", "Wachtwoord vergeten?";
    ForgotTitle => "Forgot your password?", "Wachtwoord vergeten?";
    ForgotIntro => "Enter the email address of your account. We send a link to choose a new password.", "Vul het e-mailadres van je account in. We sturen een link om een nieuw wachtwoord te kiezen.";
    SendResetLink => "Send me a link", "Stuur me een link";
    ForgotDone => "If an active account uses that address, a link to choose a new password is on its way. It works for a limited time and once. Nothing arrived? Look in your spam folder, or ask again in a few minutes.", "Als een actief account dat adres gebruikt, is er een link onderweg om een nieuw wachtwoord te kiezen. Hij werkt een beperkte tijd en één keer. Niets ontvangen? Kijk in je spammap, of vraag het over een paar minuten opnieuw.";
    BackToSignIn => "Back to sign in", "Terug naar inloggen";
    ChooseNewPassword => "Choose a new password", "Kies een nieuw wachtwoord";
    ResetFor => "For the account {0}.", "Voor het account {0}.";
    ResetSignsOut => "Choosing a new password signs this account out on every device.", "Een nieuw wachtwoord kiezen logt dit account op elk apparaat uit.";
    SetNewPassword => "Set new password", "Nieuw wachtwoord instellen";
    PasswordChangedTitle => "Your password is changed", "Je wachtwoord is gewijzigd";
    ResetDone => "Every session of this account has been signed out. Sign in with your new password.", "Elke sessie van dit account is uitgelogd. Log in met je nieuwe wachtwoord.";
    SendResetButton => "Reset password", "Wachtwoord opnieuw instellen";
    ConfirmResetTitle => "Email a password reset link?", "Een link voor een nieuw wachtwoord mailen?";
    ConfirmResetBody => "The developer gets an email with a link to choose a new password. The current password keeps working until then; a link sent earlier stops working.", "De ontwikkelaar krijgt een e-mail met een link om een nieuw wachtwoord te kiezen. Het huidige wachtwoord blijft tot dan werken; een eerder verstuurde link werkt niet meer.";
    DoneResetSent => "A password reset link was emailed.", "Er is een link voor een nieuw wachtwoord gemaild.";
    ErrResetBlocked => "This account is blocked. Activate it before sending a password reset.", "Dit account is geblokkeerd. Activeer het voordat je een wachtwoordherstel stuurt.";
    ErrResetPending => "This account is still pending: resend its invitation or verification email instead.", "Dit account is nog in afwachting: stuur in plaats daarvan de uitnodiging of bevestigingsmail opnieuw.";
    // sign-up and verification
    SignUpLink => "Create an account", "Account aanmaken";
    SignUpTitle => "Create a developer account", "Een ontwikkelaarsaccount aanmaken";
    SignUpIntro => "After signing up we email you a link to confirm your address; then your account is active.", "Na je aanmelding mailen we je een link om je adres te bevestigen; daarna is je account actief.";
    SignUpButton => "Sign up", "Aanmelden";
    SignUpDone => "Check your email: we sent a link to confirm your address. Your account becomes active when you open it.", "Kijk in je e-mail: we stuurden een link om je adres te bevestigen. Je account wordt actief als je hem opent.";
    HaveAccount => "Already have an account?", "Heb je al een account?";
    TermsOfUse => "Terms of use", "Gebruiksvoorwaarden";
    AcceptTerms => "I accept the terms of use", "Ik ga akkoord met de gebruiksvoorwaarden";
    ErrAcceptTerms => "Accept the terms of use to sign up.", "Ga akkoord met de gebruiksvoorwaarden om je aan te melden.";
    ErrSignupClosed => "Signing up is closed. Ask an administrator for an invitation.", "Aanmelden is gesloten. Vraag een beheerder om een uitnodiging.";
    VerifyTitle => "Confirm your email address", "Bevestig je e-mailadres";
    VerifyBody => "Confirm that {0} is your address, and your account becomes active.", "Bevestig dat {0} jouw adres is, en je account wordt actief.";
    VerifyButton => "Confirm my address", "Mijn adres bevestigen";
    EmailVerifiedTitle => "Your address is confirmed", "Je adres is bevestigd";
    EmailVerifiedBody => "Your account is active. Sign in with your email address and password.", "Je account is actief. Log in met je e-mailadres en wachtwoord.";
    PendingVerification => "Signed up; waiting for the email address to be confirmed.", "Aangemeld; wacht op bevestiging van het e-mailadres.";
    ResendVerification => "Resend verification email", "Bevestigingsmail opnieuw sturen";
    DoneVerificationResent => "A new verification link was emailed; the old one no longer works.", "Er is een nieuwe bevestigingslink gemaild; de oude werkt niet meer.";
    ErrNotPending => "This account is not pending.", "Dit account is niet in afwachting.";
    SignUpEnabled => "Visitors may sign up", "Bezoekers mogen zich aanmelden";
    SignUpEnabledHelp => "Off: only administrators add or invite developers.", "Uit: alleen beheerders voegen ontwikkelaars toe of nodigen ze uit.";
    TermsHelp => "Shown on the sign-up page; a new developer must accept them. Leave empty for none.", "Getoond op de aanmeldpagina; een nieuwe ontwikkelaar moet ermee akkoord gaan. Laat leeg voor geen.";
    NotifyClosed => "Email the developer that the account is closed", "De ontwikkelaar mailen dat het account is opgeheven";
    // email templates
    TplInvitation => "Invitation", "Uitnodiging";
    TplSignup => "Sign-up confirmation", "Bevestiging van aanmelding";
    TplResetByAdmin => "Password reset sent by an administrator", "Wachtwoordherstel verstuurd door een beheerder";
    TplResetRequested => "Password reset requested by the developer", "Wachtwoordherstel aangevraagd door de ontwikkelaar";
    TplWelcome => "Welcome (account activated)", "Welkom (account geactiveerd)";
    TplClosed => "Account closed", "Account opgeheven";
    PhFirstName => "the developer's first name", "de voornaam van de ontwikkelaar";
    PhLastName => "the developer's last name", "de achternaam van de ontwikkelaar";
    PhEmail => "the developer's email address", "het e-mailadres van de ontwikkelaar";
    PhOrganization => "your organisation's name", "de naam van je organisatie";
    PhPortalUrl => "the address of the developer portal", "het adres van het ontwikkelaarsportaal";
    PhConfirmUrl => "the one-time link", "de eenmalige link";
    PhLinkValidFor => "how long the link works", "hoe lang de link werkt";
    PasswordChanged => "Your password was changed. Other sessions were signed out.", "Je wachtwoord is gewijzigd. Andere sessies zijn uitgelogd.";
    MustChangePassword => "This account has a one-time password. Choose your own password to continue.", "Dit account heeft een eenmalig wachtwoord. Kies je eigen wachtwoord om verder te gaan.";
    Save => "Save", "Opslaan";
    // accounts and groups (issue 3)
    StateActive => "Active", "Actief";
    StateBlocked => "Blocked", "Geblokkeerd";
    StatePending => "Pending", "In afwachting";
    StateDeleted => "Deleted", "Verwijderd";
    KindSystem => "System", "Systeem";
    GroupDevelopers => "Developers", "Ontwikkelaars";
    Identities => "Sign-in methods", "Inlogmethoden";
    IdentityBasic => "Email and password", "E-mail en wachtwoord";
    GroupGuests => "Guests", "Gasten";
    KindCustom => "Custom", "Eigen";
    KindExternal => "External", "Extern";
    Account => "Account", "Account";
    Profile => "Profile", "Profiel";
    Details => "Details", "Gegevens";
    FirstName => "First name", "Voornaam";
    LastName => "Last name", "Achternaam";
    Note => "Note (only administrators see it)", "Notitie (alleen beheerders zien die)";
    State => "State", "Status";
    Group => "Group", "Groep";
    Registered => "Registered", "Geregistreerd";
    Search => "Search", "Zoeken";
    SearchUsersPlaceholder => "Name or email contains…", "Naam of e-mail bevat…";
    SearchGroupsPlaceholder => "Group name or description contains…", "Groepsnaam of omschrijving bevat…";
    AllStates => "All states", "Alle statussen";
    AllGroups => "All groups", "Alle groepen";
    SortBy => "Sort by", "Sorteren op";
    SortName => "Sort by name", "Sorteren op naam";
    SortEmail => "Sort by email", "Sorteren op e-mail";
    SortRegistered => "Sort by registration date", "Sorteren op registratiedatum";
    Descending => "Descending", "Aflopend";
    AddUser => "+ Add user", "+ Gebruiker toevoegen";
    AddUserIntro => "The new account is active at once and a member of Developers.", "Het nieuwe account is meteen actief en lid van Ontwikkelaars.";
    PasswordOptional => "Password (optional)", "Wachtwoord (optioneel)";
    PasswordOptionalHelp => "Without a password the account cannot sign in until you set one.", "Zonder wachtwoord kan het account pas inloggen als je er een instelt.";
    NoUsersMatch => "No accounts match this search and these filters.", "Geen accounts voldoen aan deze zoekopdracht en filters.";
    ClearFilters => "Clear search and filters", "Zoekopdracht en filters wissen";
    Range => "{0}–{1} of {2}", "{0}–{1} van {2}";
    MoreThan => "more than {0}", "meer dan {0}";
    Pages => "Pages", "Pagina's";
    Previous => "← Previous", "← Vorige";
    Next => "Next →", "Volgende →";
    PerPage => "Per page:", "Per pagina:";
    SelectPage => "Select all on this page", "Alles op deze pagina selecteren";
    Select => "Select", "Selecteren";
    AllOnPageSelected => "All {0} accounts on this page are selected.", "Alle {0} accounts op deze pagina zijn geselecteerd.";
    SelectAllMatching => "Select all {0} that match", "Alle {0} overeenkomende selecteren";
    SelectAllMatchingMany => "Select all that match ({0})", "Alles selecteren wat overeenkomt ({0})";
    NSelected => "{0} selected", "{0} geselecteerd";
    BulkActions => "Actions on the selected accounts", "Acties op de geselecteerde accounts";
    ChooseGroup => "Choose a group…", "Kies een groep…";
    AddToGroup => "Add to group", "Aan groep toevoegen";
    RemoveFromGroup => "Remove from group", "Uit groep verwijderen";
    Block => "Block", "Blokkeren";
    Activate => "Activate", "Activeren";
    ClearSelection => "Clear selection", "Selectie wissen";
    ConfirmBulkBlock => "Block {0} accounts?", "{0} accounts blokkeren?";
    ConfirmBulkRemove => "Remove {0} accounts from the group?", "{0} accounts uit de groep verwijderen?";
    BulkExplain => "Each account is changed on its own: one that cannot be changed is reported and does not stop the others.", "Elk account wordt apart gewijzigd: een account dat niet kan worden gewijzigd wordt gemeld en houdt de andere niet tegen.";
    BulkProgress => "{0} of {1} done: {2} changed, {3} failed.", "{0} van {1} klaar: {2} gewijzigd, {3} mislukt.";
    BulkDone => "{0} changed, {1} failed.", "{0} gewijzigd, {1} mislukt.";
    Dismiss => "Dismiss", "Sluiten";
    Confirm => "Confirm", "Bevestigen";
    Cancel => "Cancel", "Annuleren";
    ReasonOptional => "Reason (optional, kept in the activity log)", "Reden (optioneel, bewaard in het activiteitenlogboek)";
    Saved => "Saved.", "Opgeslagen.";
    Delete => "Delete", "Verwijderen";
    MakeAdmin => "Make administrator", "Beheerder maken";
    RevokeAdmin => "Remove administrator rights", "Beheerdersrechten intrekken";
    PasswordIsSet => "Set", "Ingesteld";
    PasswordNotSet => "Not set: the account cannot sign in", "Niet ingesteld: het account kan niet inloggen";
    SetPassword => "Set password", "Wachtwoord instellen";
    SetPasswordHelp => "Sets a specific password and signs the account out everywhere.", "Stelt een bepaald wachtwoord in en logt het account overal uit.";
    MustChangeAtNextSignIn => "Must choose a new password at the next sign-in", "Moet bij de volgende keer inloggen een nieuw wachtwoord kiezen";
    PasswordSetDone => "The password was set.", "Het wachtwoord is ingesteld.";
    BackToUsers => "Back to the users list", "Terug naar de gebruikerslijst";
    BackToGroups => "Back to the groups list", "Terug naar de groepenlijst";
    ConfirmBlockTitle => "Block this account?", "Dit account blokkeren?";
    ConfirmBlockBody => "A blocked account cannot sign in, use the portal or call any API. Its sessions end at once.", "Een geblokkeerd account kan niet inloggen, het portaal niet gebruiken en geen API aanroepen. De sessies eindigen meteen.";
    ConfirmActivateTitle => "Activate this account?", "Dit account activeren?";
    ConfirmActivateBody => "The account can sign in again and use the products of its groups.", "Het account kan weer inloggen en de producten van zijn groepen gebruiken.";
    ConfirmGrantAdminTitle => "Make this account an administrator?", "Dit account beheerder maken?";
    ConfirmGrantAdminBody => "Administrators can change every account, group and setting in Gatehouse.", "Beheerders kunnen elk account, elke groep en elke instelling in Gatehouse wijzigen.";
    ConfirmRevokeAdminTitle => "Remove administrator rights?", "Beheerdersrechten intrekken?";
    ConfirmRevokeAdminBody => "The account stays a developer account.", "Het account blijft een ontwikkelaarsaccount.";
    ConfirmDeleteTitle => "Delete this account?", "Dit account verwijderen?";
    ConfirmDeleteBody => "This cannot be undone. These go with the account:", "Dit kan niet ongedaan worden gemaakt. Dit verdwijnt met het account:";
    GoesGroups => "{0} group memberships: {1}", "{0} groepslidmaatschappen: {1}";
    GoesSessions => "{0} active sessions", "{0} actieve sessies";
    GoesSubscriptions => "{0} subscriptions and their keys", "{0} abonnementen en hun sleutels";
    DoneBlocked => "The account is blocked.", "Het account is geblokkeerd.";
    DoneActivated => "The account is active.", "Het account is actief.";
    DoneAdminGranted => "The account is now an administrator.", "Het account is nu beheerder.";
    DoneAdminRevoked => "The account is no longer an administrator.", "Het account is geen beheerder meer.";
    DoneDeleted => "The account was deleted.", "Het account is verwijderd.";
    GroupsIntro => "Groups decide which products developers can see. System groups are fixed; custom and external groups are yours.", "Groepen bepalen welke producten ontwikkelaars zien. Systeemgroepen liggen vast; eigen en externe groepen zijn van jou.";
    NoGroupsMatch => "No groups match.", "Geen groepen gevonden.";
    Type => "Type", "Type";
    Description => "Description", "Omschrijving";
    Members => "Members", "Leden";
    TotalGroups => "{0} groups", "{0} groepen";
    TotalMembers => "{0} members", "{0} leden";
    NewGroup => "New group", "Nieuwe groep";
    CreateGroup => "Create group", "Groep aanmaken";
    ExternalId => "External group identifier", "Externe groeps-ID";
    ExternalIdHelp => "The identity provider's reference to the group.", "De verwijzing van de identiteitsprovider naar de groep.";
    SystemGroupNote => "This is a system group: it cannot be renamed or deleted, and Gatehouse manages its members.", "Dit is een systeemgroep: die kan niet worden hernoemd of verwijderd, en Gatehouse beheert de leden.";
    ConfirmDeleteGroupTitle => "Delete this group?", "Deze groep verwijderen?";
    GroupGoesWith => "Its {0} memberships and {1} product links go with it. The accounts themselves stay.", "De {0} lidmaatschappen en {1} productkoppelingen verdwijnen mee. De accounts zelf blijven.";
    RemoveSelected => "Remove selected", "Selectie verwijderen";
    AddMembers => "Add members", "Leden toevoegen";
    AddNSelected => "Add {0} selected", "{0} geselecteerde toevoegen";
    NoMembers => "This group has no members.", "Deze groep heeft geen leden.";
    ActivityIntro => "Every change made by an administrator, newest first.", "Elke wijziging door een beheerder, nieuwste eerst.";
    NoActivity => "No changes recorded yet.", "Nog geen wijzigingen vastgelegd.";
    When => "When (UTC)", "Wanneer (UTC)";
    Who => "Who", "Wie";
    What => "What", "Wat";
    Target => "On", "Op";
    Change => "What changed", "Wat er veranderde";
    Reason => "Reason", "Reden";
    ActUserCreated => "Account created", "Account aangemaakt";
    ActUserUpdated => "Account edited", "Account bewerkt";
    ActPasswordSet => "Password set", "Wachtwoord ingesteld";
    ActBlocked => "Account blocked", "Account geblokkeerd";
    ActSignedOutEverywhere => "Signed out everywhere", "Overal uitgelogd";
    ActAccountClosed => "Account closed by its owner", "Account opgeheven door de eigenaar";
    ActIdentityLinked => "Identity provider linked", "Identiteitsprovider gekoppeld";
    ActProviderSaved => "Identity provider saved", "Identiteitsprovider opgeslagen";
    ActProviderDeleted => "Identity provider removed", "Identiteitsprovider verwijderd";
    ErrSubscriptionDelegation => "Gatehouse does not hand subscription steps to a delegate site yet; only sign-in and sign-up.", "Gatehouse geeft abonnementsstappen nog niet door aan een gedelegeerde site; alleen aanmelden en registreren.";
    Delegation => "Delegation", "Delegatie";
    DelegationIntro => "Let your own website own sign-in and sign-up, as with API Management's delegation: Gatehouse sends people to it with a signed operation, and it signs them back in with a single-sign-on token from the REST API (generateSsoUrl). Administrators keep this site's sign-in page at /sign-in?local.", "Laat uw eigen website aanmelden en registreren afhandelen, zoals de delegatie van API Management: Gatehouse stuurt mensen erheen met een ondertekende opdracht, en de site meldt hen weer aan met een single-sign-on-token van de REST API (generateSsoUrl). Beheerders houden de aanmeldpagina van deze site op /sign-in?local.";
    DelegationUrl => "Delegation endpoint URL", "URL van het delegatie-eindpunt";
    DelegateSignIn => "Sign-in and sign-up go to the delegate site", "Aanmelden en registreren gaan naar de gedelegeerde site";
    ValidationKey => "Validation key", "Validatiesleutel";
    ValidationKeyShownOnce => "The new validation key; copy it to the delegate site now, it is not shown again:", "De nieuwe validatiesleutel; kopieer hem nu naar de gedelegeerde site, hij wordt niet opnieuw getoond:";
    NewValidationKey => "Generate a new validation key", "Nieuwe validatiesleutel maken";
    NewValidationKeyBody => "The delegate site's signature checks fail until it has the new key.", "De handtekeningcontrole van de gedelegeerde site faalt totdat die de nieuwe sleutel heeft.";
    KeySet => "set", "ingesteld";
    KeyNotSet => "not set yet (made when you save)", "nog niet ingesteld (wordt gemaakt bij opslaan)";
    ActDelegation => "Delegation settings changed", "Delegatie-instellingen gewijzigd";
    ErrValidationKey => "The validation key must be base64 of at least 32 bytes.", "De validatiesleutel moet base64 van minstens 32 bytes zijn.";
    ErrSsoTokenExpiry => "The expiry must be in the future and at most 30 days away.", "De vervaldatum moet in de toekomst liggen en hoogstens 30 dagen weg.";
    ActPasswordSignIn => "Password sign-in for developers changed", "Aanmelden met wachtwoord voor ontwikkelaars gewijzigd";
    SignInWith => "Sign in with {0}", "Aanmelden met {0}";
    OrWithPassword => "or with your password", "of met uw wachtwoord";
    PasswordForAdminsOnly => "Administrators: sign in with your password", "Beheerders: meld u aan met uw wachtwoord";
    IdentityProviders => "Identity providers", "Identiteitsproviders";
    IdentityProvidersIntro => "Let people sign in with their organisation's account through OpenID Connect (Okta, Auth0, Keycloak, Google, Microsoft Entra ID). The first sign-in creates an account in Developers, or links the account with the same email when the provider confirms the address.", "Laat mensen zich aanmelden met het account van hun organisatie via OpenID Connect (Okta, Auth0, Keycloak, Google, Microsoft Entra ID). De eerste aanmelding maakt een account in Developers aan, of koppelt het account met hetzelfde e-mailadres als de provider het adres bevestigt.";
    PasswordSignIn => "Password sign-in", "Aanmelden met wachtwoord";
    DevelopersMayUsePassword => "Developers may sign in with a password", "Ontwikkelaars mogen zich aanmelden met een wachtwoord";
    PasswordSignInHelp => "Administrators can always sign in with their password, so nobody is locked out when a provider is down.", "Beheerders kunnen zich altijd met hun wachtwoord aanmelden, zodat niemand buitengesloten wordt als een provider niet werkt.";
    PasswordSignInNeedsProvider => "Configure an identity provider before switching password sign-in off.", "Stel eerst een identiteitsprovider in voordat u aanmelden met wachtwoord uitzet.";
    ProviderConfigured => "in use, button \u{201c}{0}\u{201d}", "in gebruik, knop \u{201c}{0}\u{201d}";
    ProviderNotConfigured => "not configured", "niet ingesteld";
    IssuerUrl => "Issuer URL", "Issuer-URL";
    Authority => "Authority (host)", "Authority (host)";
    RedirectUriHelp => "Register this redirect URI at the provider:", "Registreer deze redirect-URI bij de provider:";
    ButtonLabel => "Name on the sign-in button", "Naam op de aanmeldknop";
    SigninTenant => "Sign-in tenant", "Tenant voor aanmelden";
    AllowedTenants => "Allowed tenants (ids, one per line; empty: any)", "Toegestane tenants (id's, één per regel; leeg: alle)";
    SigninPolicy => "Sign-in user flow", "Gebruikersstroom voor aanmelden";
    ClientId => "Client id", "Client-id";
    ClientSecret => "Client secret", "Clientgeheim";
    SecretUnchanged => "unchanged", "ongewijzigd";
    Scopes => "Scopes", "Scopes";
    GroupsClaim => "Claim with groups", "Claim met groepen";
    GroupsClaimHelp => "Its values are matched to external groups by their external id; membership is brought up to date at every sign-in. Empty: groups are not synced.", "De waarden worden aan externe groepen gekoppeld via hun externe id; het lidmaatschap wordt bij elke aanmelding bijgewerkt. Leeg: groepen worden niet gesynchroniseerd.";
    CreateGroupsFromClaim => "Create an external group for a value that names none", "Maak een externe groep aan voor een waarde zonder groep";
    EmailDomains => "Allowed email domains (one per line)", "Toegestane e-maildomeinen (één per regel)";
    EmailDomainsHelp => "Empty: any address.", "Leeg: elk adres.";
    RemoveProviderTitle => "Remove {0}?", "{0} verwijderen?";
    RemoveProviderBody => "Its sign-in button disappears. Accounts keep their identities, so configuring the provider again finds them.", "De aanmeldknop verdwijnt. Accounts houden hun identiteiten, dus als u de provider opnieuw instelt worden ze teruggevonden.";
    SsoDenied => "The sign-in was cancelled at the identity provider.", "De aanmelding is bij de identiteitsprovider afgebroken.";
    SsoExpired => "That sign-in took too long or was already used. Please try again.", "Die aanmelding duurde te lang of is al gebruikt. Probeer het opnieuw.";
    SsoFailed => "Signing in through the identity provider did not work. Please try again, or ask an administrator.", "Aanmelden via de identiteitsprovider is niet gelukt. Probeer het opnieuw of vraag een beheerder.";
    SsoNoEmail => "The identity provider did not tell us your email address.", "De identiteitsprovider gaf uw e-mailadres niet door.";
    SsoDomain => "Accounts with this email domain cannot sign in here.", "Accounts met dit e-maildomein kunnen zich hier niet aanmelden.";
    SsoTenant => "Your organisation's directory is not allowed to sign in here.", "De directory van uw organisatie mag zich hier niet aanmelden.";
    SsoUnverified => "An account with this email already exists, and the identity provider has not confirmed the address. Sign in with your password instead.", "Er bestaat al een account met dit e-mailadres en de identiteitsprovider heeft het adres niet bevestigd. Meld u aan met uw wachtwoord.";
    SsoBlocked => "This account is blocked. Please contact an administrator.", "Dit account is geblokkeerd. Neem contact op met een beheerder.";
    SsoPending => "This address has an invitation waiting. Accept it from the email first.", "Voor dit adres staat een uitnodiging klaar. Accepteer die eerst via de e-mail.";
    ErrIssuerUrl => "Use an https:// URL (http:// only for this machine), without query or fragment.", "Gebruik een https://-URL (http:// alleen voor deze machine), zonder query of fragment.";
    ErrClaimName => "A claim name has no spaces and at most 100 characters.", "Een claimnaam heeft geen spaties en hoogstens 100 tekens.";
    ErrEmailDomain => "\u{201c}{0}\u{201d} is not a domain name.", "\u{201c}{0}\u{201d} is geen domeinnaam.";
    ErrLastWayIn => "Developers would have no way to sign in: keep password sign-in on or an identity provider configured.", "Ontwikkelaars zouden zich niet meer kunnen aanmelden: laat aanmelden met wachtwoord aan of een identiteitsprovider ingesteld.";
    ErrPasswordSignInOff => "Developers sign in with the button above; password sign-in is switched off.", "Ontwikkelaars melden zich aan met de knop hierboven; aanmelden met wachtwoord staat uit.";
    ActActivated => "Account activated", "Account geactiveerd";
    ActUserDeleted => "Account deleted", "Account verwijderd";
    ActAdminGranted => "Made administrator", "Beheerder gemaakt";
    ActAdminRevoked => "Administrator rights removed", "Beheerdersrechten ingetrokken";
    ActGroupCreated => "Group created", "Groep aangemaakt";
    ActGroupUpdated => "Group edited", "Groep bewerkt";
    ActGroupDeleted => "Group deleted", "Groep verwijderd";
    ActMemberAdded => "Added to group", "Aan groep toegevoegd";
    ActMemberRemoved => "Removed from group", "Uit groep verwijderd";
    ActOther => "Other change", "Andere wijziging";
    ActEmailVerified => "Email address verified", "E-mailadres bevestigd";
    ActInvitationAccepted => "Invitation accepted", "Uitnodiging aangenomen";
    ActInvitationResent => "Invitation sent again", "Uitnodiging opnieuw verstuurd";
    ActInvitationRevoked => "Invitation revoked", "Uitnodiging ingetrokken";
    ActInvited => "Invited", "Uitgenodigd";
    ActNameChanged => "Name changed by the developer", "Naam gewijzigd door de ontwikkelaar";
    ActPasswordReset => "Password reset with an emailed link", "Wachtwoord hersteld via een e-maillink";
    ActResetLinkSent => "Password reset link sent", "Link om het wachtwoord te herstellen verstuurd";
    ActResetRequested => "Password reset requested", "Herstel van het wachtwoord aangevraagd";
    ActSignedUp => "Signed up", "Aangemeld";
    ActSignupExisting => "Sign-up tried with an existing address", "Aanmelding geprobeerd met een bestaand adres";
    ActVerificationResent => "Verification email sent again", "Bevestigingsmail opnieuw verstuurd";
    ActProductCreated => "Product created", "Product aangemaakt";
    ActApiCreated => "API created", "API aangemaakt";
    ActApiUpdated => "API edited", "API bewerkt";
    ActApiDeleted => "API deleted", "API verwijderd";
    ActApiAddedToProduct => "API added to a product", "API aan een product toegevoegd";
    ActApiRemovedFromProduct => "API removed from a product", "API uit een product gehaald";
    ActApiSpecUploaded => "API reference uploaded", "API-naslag geüpload";
    ActApiSpecRemoved => "API reference removed", "API-naslag verwijderd";
    ActProductUpdated => "Product edited", "Product bewerkt";
    ActProductDeleted => "Product deleted", "Product verwijderd";
    ActProductVisibility => "Product visibility changed", "Zichtbaarheid van product gewijzigd";
    ActSubscriptionCreated => "Subscription created", "Abonnement aangemaakt";
    ActSubscriptionUpdated => "Subscription edited", "Abonnement bewerkt";
    ActSubscriptionDeleted => "Subscription deleted", "Abonnement verwijderd";
    ActSubscriptionApproved => "Subscription approved", "Abonnement goedgekeurd";
    ActSubscriptionRejected => "Subscription rejected", "Abonnement afgewezen";
    ActSubscriptionSuspended => "Subscription suspended", "Abonnement opgeschort";
    ActSubscriptionReactivated => "Subscription reactivated", "Abonnement weer actief";
    ActSubscriptionCancelled => "Subscription cancelled", "Abonnement opgezegd";
    ActKeyRegenerated => "Subscription key regenerated", "Abonnementssleutel vernieuwd";
    ActKeySet => "Subscription key set", "Abonnementssleutel ingesteld";
    ActKeysShown => "Subscription keys shown", "Abonnementssleutels getoond";
    ActTemplateChanged => "Email template changed", "E-mailsjabloon gewijzigd";
    ActSignupSettings => "Sign-up settings changed", "Instellingen voor aanmelden gewijzigd";
    FieldAdministrator => "Administrator", "Beheerder";
    FieldMustChange => "Must change password", "Moet wachtwoord wijzigen";
    FieldGroup => "Group", "Groep";
    FieldSubscriptions => "Subscriptions", "Abonnementen";
    FieldTerms => "Terms of use", "Gebruiksvoorwaarden";
    FieldSubscriptionRequired => "Requires a subscription", "Abonnement vereist";
    FieldApprovalRequired => "Requires approval", "Goedkeuring vereist";
    FieldLimit => "Subscriptions per developer", "Abonnementen per ontwikkelaar";
    FieldKey => "Key", "Sleutel";
    FieldComment => "Comment", "Opmerking";
    FieldSubject => "Subject", "Onderwerp";
    FieldEnabled => "Enabled", "Ingeschakeld";
    FieldType => "Type", "Soort";
    FieldSent => "Times sent", "Keer verstuurd";
    FieldDefault => "Default text", "Standaardtekst";
    SecretChanged => "(changed, not shown)", "(gewijzigd, niet getoond)";
    ErrDateInvalid => "Enter a date as YYYY-MM-DD.", "Vul een datum in als JJJJ-MM-DD.";
    ActivityWho => "Who (email)", "Wie (e-mail)";
    ActivityKind => "Kind of record", "Soort item";
    ActivityAnyKind => "Any", "Alle";
    ActivityTarget => "On (name or email)", "Op (naam of e-mail)";
    ActivityFrom => "From", "Van";
    ActivityTo => "To", "Tot en met";
    ClearFilter => "Clear", "Wissen";
    ExportCsv => "Export as CSV", "Exporteren als CSV";
    ActivityCount => "{0} entries", "{0} items";
    ActivityCountOne => "1 entry", "1 item";
    ErrConflict => "Someone else changed this record since you opened it. Reload the page to see their changes, then try again.", "Iemand anders heeft dit item gewijzigd sinds je het opende. Laad de pagina opnieuw om die wijzigingen te zien en probeer het dan nog eens.";
    ErrEmailInvalid => "Enter a valid email address, like name@example.com.", "Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl.";
    ErrEmailTaken => "An account with this email address already exists.", "Er bestaat al een account met dit e-mailadres.";
    ErrNameLength => "Use 1 to {0} characters.", "Gebruik 1 tot {0} tekens.";
    ErrTooLong => "Use at most {0} characters.", "Gebruik hoogstens {0} tekens.";
    ErrLastAdmin => "This is the last active administrator: make someone else an administrator first.", "Dit is de laatste actieve beheerder: maak eerst iemand anders beheerder.";
    ErrNotYourself => "You cannot do this to your own account.", "Dit kun je niet met je eigen account doen.";
    ErrBadState => "That state cannot be set here.", "Die status kan hier niet worden ingesteld.";
    ErrAdminMustBeActive => "Only an active account can become an administrator.", "Alleen een actief account kan beheerder worden.";
    ErrBulkTooMany => "Send at most {0} accounts per request.", "Stuur hoogstens {0} accounts per verzoek.";
    ErrGroupGone => "That group no longer exists.", "Die groep bestaat niet meer.";
    ErrSystemMembership => "Gatehouse manages the members of system groups. To make someone an administrator, use Make administrator on their account.", "Gatehouse beheert de leden van systeemgroepen. Gebruik Beheerder maken op het account om iemand beheerder te maken.";
    ErrSystemGroup => "System groups cannot be renamed, changed or deleted.", "Systeemgroepen kunnen niet worden hernoemd, gewijzigd of verwijderd.";
    ErrGroupNameTaken => "A group with this name already exists.", "Er bestaat al een groep met deze naam.";
    ErrNoSuchAdmin => "There is no administrator account with that email address.", "Er is geen beheerdersaccount met dat e-mailadres.";
    // products and subscriptions (service messages)
    PhProduct => "the product's name", "de naam van het product";
    PhSubscription => "the subscription's name", "de naam van het abonnement";
    PhSubscriptionState => "the subscription's new state", "de nieuwe staat van het abonnement";
    PhStateComment => "the administrator's comment", "de toelichting van de beheerder";
    PhReviewUrl => "where administrators approve requests", "waar beheerders aanvragen goedkeuren";
    TplSubRequested => "Subscription requested", "Abonnement aangevraagd";
    TplSubActivated => "Subscription active", "Abonnement actief";
    TplSubRejected => "Subscription request declined", "Aanvraag afgewezen";
    TplSubChanged => "Subscription suspended, cancelled or expired", "Abonnement opgeschort, opgezegd of verlopen";
    TplApprovalNeeded => "Approval needed (to administrators)", "Goedkeuring nodig (aan beheerders)";
    ProductPublished => "Published", "Gepubliceerd";
    ProductNotPublished => "Not published", "Niet gepubliceerd";
    ProductOpen => "Open to everyone who can see it: no subscription or key needed.", "Open voor iedereen die het ziet: geen abonnement of sleutel nodig.";
    ProductSignInToSubscribe => "Sign in to subscribe.", "Log in om je te abonneren.";
    ErrProductNameTaken => "Another product already has this name.", "Een ander product heeft deze naam al.";
    ErrProductLimit => "Enter a whole number from 1, or leave empty for no limit.", "Vul een heel getal vanaf 1 in, of laat leeg voor geen limiet.";
    ErrProductHasSubscriptions => "This product has subscriptions: delete it together with them, after confirming.", "Dit product heeft abonnementen: verwijder het samen met die abonnementen, na bevestiging.";
    ErrAcceptProductTerms => "Accept the terms of use to subscribe.", "Accepteer de gebruiksvoorwaarden om je te abonneren.";
    ErrSubscriptionWaiting => "You already have a request for this product waiting for approval.", "Je hebt al een aanvraag voor dit product die op goedkeuring wacht.";
    ErrSubscriptionLimit => "You have reached this product's limit of subscriptions.", "Je hebt het maximum aantal abonnementen op dit product bereikt.";
    ErrKeyUnreadable => "This key cannot be decrypted with the server's secret. Regenerate it.", "Deze sleutel kan niet worden ontsleuteld met het geheim van de server. Genereer hem opnieuw.";
    ErrSubscriptionOver => "This subscription has ended; its keys can no longer be changed.", "Dit abonnement is beëindigd; de sleutels ervan kunnen niet meer worden gewijzigd.";
    ErrSubscriptionTransition => "That action does not apply to the subscription in its current state.", "Die actie past niet bij de huidige staat van het abonnement.";
    ErrNoSuchUser => "There is no user with this id.", "Er is geen gebruiker met deze id.";
    ErrNoSuchApi => "There is no API with this id.", "Er is geen API met deze id.";
    Api => "API", "API";
    Apis => "APIs", "API's";
    AllApis => "All APIs", "Alle API's";
    ApiPath => "Path", "Pad";
    ApiProtocols => "Protocols", "Protocollen";
    ApiServiceUrl => "Backend URL", "Backend-URL";
    ErrLimitCalls => "Enter a whole number of calls from 1, or leave both fields empty for no limit.", "Vul een heel aantal aanroepen vanaf 1 in, of laat beide velden leeg voor geen limiet.";
    ErrLimitPeriod => "Enter a whole number from 1 to {0}, or leave both fields empty for no limit.", "Vul een heel getal van 1 tot {0} in, of laat beide velden leeg voor geen limiet.";
    RateLimit => "Rate limit per subscription", "Snelheidslimiet per abonnement";
    Quota => "Quota per subscription", "Quotum per abonnement";
    LimitCalls => "Calls", "Aanroepen";
    LimitSeconds => "Seconds", "Seconden";
    LimitMinutes => "Minutes", "Minuten";
    CallsPer => "calls per", "aanroepen per";
    Seconds => "seconds", "seconden";
    Minutes => "minutes", "minuten";
    LimitsHelp => "The key check answers 429 past a limit. Leave both fields of a limit empty for none. A quota renews at whole periods counted from 1970 (1440 minutes: every day at 00:00 UTC).", "De sleutelcontrole antwoordt 429 boven een limiet. Laat beide velden van een limiet leeg voor geen limiet. Een quotum begint opnieuw bij hele perioden geteld vanaf 1970 (1440 minuten: elke dag om 00:00 UTC).";
    ErrApiPath => "Use a URL path like orders/v1: letters, digits and - . _ ~, segments separated by /, none empty.", "Gebruik een URL-pad zoals orders/v1: letters, cijfers en - . _ ~, delen gescheiden door /, geen lege.";
    ErrApiPathTaken => "The API {0} already has this path.", "De API {0} heeft dit pad al.";
    ErrApiProtocol => "{0} is not a protocol; use http, https, ws or wss.", "{0} is geen protocol; gebruik http, https, ws of wss.";
    ErrApiNoProtocol => "Choose at least one protocol.", "Kies minstens één protocol.";
    // APIs (screens)
    NewApi => "+ New API", "+ Nieuwe API";
    CreateApi => "Create API", "API aanmaken";
    ApisIntro => "An API is what the gateway routes under a path. Products bundle APIs: a product's keys open its APIs.", "Een API is wat de gateway onder een pad doorstuurt. Producten bundelen API's: de sleutels van een product openen de API's ervan.";
    SearchApisPlaceholder => "Search APIs by name or path", "Zoek API's op naam of pad";
    NoApisYet => "No APIs yet", "Nog geen API's";
    ApisEmpty => "Add the APIs your gateway serves, then put them in products.", "Voeg de API's toe die je gateway bedient, en zet ze daarna in producten.";
    NoApisMatch => "No API matches this search.", "Geen API past bij deze zoekopdracht.";
    TotalApis => "{0} APIs", "{0} API's";
    ApiReference => "Reference", "Naslag";
    KeyRequired => "Key required", "Sleutel nodig";
    KeyRequiredLong => "A subscription key is required", "Een abonnementssleutel is nodig";
    OpenApi => "Open (no key)", "Open (geen sleutel)";
    ApiPathHelp => "The URL prefix the gateway routes to this API, e.g. orders/v1. Empty: the root. A request goes to the API with the longest matching prefix.", "Het URL-voorvoegsel dat de gateway naar deze API stuurt, bijv. orders/v1. Leeg: de root. Een verzoek gaat naar de API met het langste passende voorvoegsel.";
    ApiServiceUrlHelp => "Where the gateway sends the calls (for your records; the gateway's own configuration decides). Optional.", "Waar de gateway de aanroepen heen stuurt (ter informatie; de configuratie van de gateway beslist). Optioneel.";
    ApiSubscriptionRequired => "Requires a subscription key", "Vereist een abonnementssleutel";
    ApiSubscriptionRequiredHelp => "Off: anyone may call this API; the key check lets calls through without a key.", "Uit: iedereen mag deze API aanroepen; de sleutelcontrole laat aanroepen zonder sleutel door.";
    BackToApis => "Back to APIs", "Terug naar API's";
    ViewInPortal => "View in portal", "Bekijk in portaal";
    ApiCreated => "API created. Now add it to a product on the product's APIs tab.", "API aangemaakt. Voeg hem nu toe aan een product, op het tabblad API's van het product.";
    ApiInNoProduct => "In no product yet: only keys for all APIs open it.", "Nog in geen enkel product: alleen sleutels voor alle API's openen hem.";
    InProducts => "In products:", "In producten:";
    InProductsShort => "Products", "Producten";
    ApiSections => "API sections", "Onderdelen van de API";
    DeleteApi => "Delete API", "API verwijderen";
    DeleteApiHelp => "Deleting an API takes it out of every product and deletes the subscriptions to this API alone; their keys stop working at once.", "Een API verwijderen haalt hem uit elk product en verwijdert de abonnementen op alleen deze API; hun sleutels werken meteen niet meer.";
    ConfirmDeleteApiTitle => "Delete this API?", "Deze API verwijderen?";
    ApiLeavesNoProduct => "It is in no product.", "Hij zit in geen enkel product.";
    ApiLeavesProducts => "It leaves these products: {0}.", "Hij verdwijnt uit deze producten: {0}.";
    ApiSubscriptionsGo => "Subscriptions to this API alone that go with it: {0}.", "Abonnementen op alleen deze API die meegaan: {0}.";
    SpecIntro => "Upload the API's OpenAPI document (3.x or Swagger 2.0, JSON or YAML). The portal shows its operations, parameters and responses to everyone who can see a product holding the API.", "Upload het OpenAPI-document van de API (3.x of Swagger 2.0, JSON of YAML). Het portaal toont de operaties, parameters en responses aan iedereen die een product met deze API kan zien.";
    SpecFile => "OpenAPI file", "OpenAPI-bestand";
    SpecPaste => "Or paste the document", "Of plak het document";
    SpecUpload => "Check and save", "Controleren en opslaan";
    SpecUploaded => "Document checked and saved.", "Document gecontroleerd en opgeslagen.";
    SpecRemoved => "Document removed.", "Document verwijderd.";
    SpecRemove => "Remove document", "Document verwijderen";
    NoSpecYet => "No document uploaded: the portal shows the API without a reference.", "Geen document geüpload: het portaal toont de API zonder naslag.";
    ProductApisIntro => "The product's keys open these APIs. Changes apply to the key check at once.", "De sleutels van het product openen deze API's. Wijzigingen gelden meteen bij de sleutelcontrole.";
    ProductHasNoApis => "This product holds no APIs yet: its keys open nothing behind a path.", "Dit product bevat nog geen API's: de sleutels ervan openen niets achter een pad.";
    RemoveApiFromProduct => "Remove {0} from this product", "Verwijderen uit dit product: {0}";
    Remove => "Remove", "Verwijderen";
    Add => "Add", "Toevoegen";
    AddApi => "Add an API", "Een API toevoegen";
    NoApisToAdd => "There are no APIs yet.", "Er zijn nog geen API's.";
    NoReference => "No reference has been published for this API yet.", "Voor deze API is nog geen naslag gepubliceerd.";
    NoOperations => "The document describes no operations.", "Het document beschrijft geen operaties.";
    Operations => "Operations", "Operaties";
    Deprecated => "Deprecated", "Verouderd";
    Parameters => "Parameters", "Parameters";
    ParamIn => "In", "In";
    ParamType => "Type", "Type";
    Required => "Required", "Verplicht";
    RequestBody => "Request body", "Request-body";
    Responses => "Responses", "Responses";
    StatusCode => "Status", "Status";
    // usage charts
    Usage => "Usage", "Gebruik";
    CallsPerHour => "Calls per hour, last 24 hours", "Aanroepen per uur, laatste 24 uur";
    CallsPerDay => "Calls per day, last 30 days", "Aanroepen per dag, laatste 30 dagen";
    CallsOverTime => "Calls through the key check", "Aanroepen via de sleutelcontrole";
    CallsSummary => "{0} calls: {1} allowed, {2} refused", "{0} aanroepen: {1} toegestaan, {2} geweigerd";
    Allowed => "Allowed", "Toegestaan";
    Refused => "Refused", "Geweigerd";
    OtherCalls => "Other", "Overig";
    ShowNumbers => "Show the numbers", "Toon de getallen";
    HourUtc => "Hour (UTC)", "Uur (UTC)";
    DayUtc => "Day (UTC)", "Dag (UTC)";
    QuotaLeft => "{0} of {1} calls left until {2} UTC", "{0} van {1} aanroepen over tot {2} UTC";
    CallsPerSeconds => "{0} calls per {1} seconds", "{0} aanroepen per {1} seconden";
    CallsPerMinutes => "{0} calls per {1} minutes", "{0} aanroepen per {1} minuten";
    RateLimitIs => "Rate limit: {0} calls per {1} seconds", "Snelheidslimiet: {0} aanroepen per {1} seconden";
    NoCallsYet => "No calls in the last 30 days.", "Geen aanroepen in de laatste 30 dagen.";
    TopProducts => "Busiest products, last 30 days", "Drukste producten, laatste 30 dagen";
    TopSubscriptions => "Busiest subscriptions, last 30 days", "Drukste abonnementen, laatste 30 dagen";
    ErrSpecTooLarge => "The document is larger than {0} MB.", "Het document is groter dan {0} MB.";
    ErrSpecEmpty => "The file is empty.", "Het bestand is leeg.";
    ErrSpecSyntax => "This is not valid JSON or YAML: {0}", "Dit is geen geldige JSON of YAML: {0}";
    ErrSpecVersion => "This is not an OpenAPI document: it needs openapi: 3.x or swagger: \"2.0\" at the top.", "Dit is geen OpenAPI-document: bovenaan hoort openapi: 3.x of swagger: \"2.0\".";
    ErrSpecMissing => "{0} is missing.", "{0} ontbreekt.";
    ErrSpecPath => "The path {0} must start with /.", "Het pad {0} moet met / beginnen.";
    ErrSpecNotObject => "{0} must be an object.", "{0} moet een object zijn.";
    ErrSpecNotList => "{0} must be a list.", "{0} moet een lijst zijn.";
    ErrSpecResponses => "{0} has no responses: every operation needs at least one.", "{0} heeft geen responses: elke operatie heeft er minstens één nodig.";
    ErrSpecRef => "{0} refers to {1}, which the document does not define.", "{0} verwijst naar {1}, dat het document niet definieert.";
    ErrSpecParamIn => "{0}: in must be query, header, path or cookie.", "{0}: in moet query, header, path of cookie zijn.";
    ErrServiceUrl => "Enter an http:// or https:// address, or leave empty.", "Vul een http://- of https://-adres in, of laat leeg.";
    ErrNoSuchProduct => "There is no product with this id.", "Er is geen product met deze id.";
    ErrKeyFormat => "A key is 16 to 256 characters, without spaces.", "Een sleutel is 16 tot 256 tekens, zonder spaties.";
    ErrKeyInUse => "This key is already in use.", "Deze sleutel is al in gebruik.";
    ErrKeysSame => "The primary and secondary key must differ.", "De primaire en secundaire sleutel moeten verschillen.";
    SubSubmitted => "Submitted", "Aangevraagd";
    SubActive => "Active", "Actief";
    SubSuspended => "Suspended", "Opgeschort";
    SubRejected => "Rejected", "Afgewezen";
    SubCancelled => "Cancelled", "Opgezegd";
    SubExpired => "Expired", "Verlopen";
    SubApprove => "Approve", "Goedkeuren";
    SubReject => "Reject", "Afwijzen";
    SubSuspend => "Suspend", "Opschorten";
    SubReactivate => "Reactivate", "Heractiveren";
    SubCancel => "Cancel subscription", "Abonnement opzeggen";
    // products and subscriptions (screens)
    NavMySubscriptions => "Subscriptions", "Abonnementen";
    NewProduct => "+ New product", "+ Nieuw product";
    CreateProduct => "Create product", "Product aanmaken";
    ProductsIntro => "A product bundles APIs. Developers see the published products their groups may see, subscribe to them and get keys.", "Een product bundelt API's. Ontwikkelaars zien de gepubliceerde producten die hun groepen mogen zien, abonneren zich erop en krijgen sleutels.";
    SearchProductsPlaceholder => "Search products by name", "Zoek producten op naam";
    NoProductsYet => "No products yet", "Nog geen producten";
    NoProductsMatch => "No product matches this search.", "Geen product past bij deze zoekopdracht.";
    TotalProducts => "{0} products", "{0} producten";
    VisibleTo => "Visible to", "Zichtbaar voor";
    AdministratorsOnly => "Administrators only", "Alleen beheerders";
    Approval => "Approval", "Goedkeuring";
    Yes => "Yes", "Ja";
    No => "No", "Nee";
    OpenProduct => "Open (no key)", "Open (geen sleutel)";
    BackToProducts => "Back to products", "Terug naar producten";
    ProductSections => "Product sections", "Onderdelen van het product";
    Settings => "Settings", "Instellingen";
    Visibility => "Visibility", "Zichtbaarheid";
    ProductCreated => "Product created. Now choose which groups can see it.", "Product aangemaakt. Kies nu welke groepen het kunnen zien.";
    ProductSubscriptionsLink => "Subscriptions ({0})", "Abonnementen ({0})";
    ProductTermsHelp => "Shown on the product page; developers must accept them to subscribe. Leave empty for none.", "Staan op de productpagina; ontwikkelaars moeten ze accepteren om zich te abonneren. Laat leeg voor geen.";
    SubscriptionRequired => "Requires a subscription (callers need a key)", "Vereist een abonnement (aanroepers hebben een sleutel nodig)";
    SubscriptionRequiredHelp => "Off: the product's APIs are open to anyone who can see it; nobody subscribes.", "Uit: de API's van het product zijn open voor iedereen die het ziet; niemand abonneert zich.";
    ApprovalRequired => "Subscriptions need an administrator's approval", "Abonnementen hebben goedkeuring van een beheerder nodig";
    SubscriptionsLimit => "Subscriptions per developer", "Abonnementen per ontwikkelaar";
    SubscriptionsLimitHelp => "How many subscriptions one developer may hold at once. Empty: no limit.", "Hoeveel abonnementen één ontwikkelaar tegelijk mag hebben. Leeg: geen limiet.";
    PublishProduct => "Published", "Gepubliceerd";
    PublishProductHelp => "Unpublished products are seen by administrators only.", "Niet-gepubliceerde producten zien alleen beheerders.";
    DeleteProduct => "Delete product", "Product verwijderen";
    DeleteProductHelp => "Deleting a product also deletes its subscriptions; their keys stop working at once.", "Een product verwijderen verwijdert ook de abonnementen erop; hun sleutels werken meteen niet meer.";
    ConfirmDeleteProductTitle => "Delete this product?", "Dit product verwijderen?";
    ProductGoesAlone => "It has no subscriptions.", "Het heeft geen abonnementen.";
    ProductGoesWith => "Its {0} subscriptions go with it ({1} active); their keys stop working at once.", "De {0} abonnementen erop gaan mee ({1} actief); hun sleutels werken meteen niet meer.";
    VisibilityIntro => "Tick the groups whose members see this product in the portal and may subscribe to it. Administrators always see every product.", "Vink de groepen aan waarvan de leden dit product in het portaal zien en zich erop mogen abonneren. Beheerders zien altijd elk product.";
    GroupsThatSee => "Groups that can see this product", "Groepen die dit product zien";
    GuestsMeans => "anonymous visitors (and everyone signed in)", "anonieme bezoekers (en iedereen die is ingelogd)";
    DevelopersMeans => "every signed-in developer", "elke ingelogde ontwikkelaar";
    VisibleToDevelopers => "{0} developers can see this product.", "{0} ontwikkelaars zien dit product.";
    VisibleToDevelopersAndGuests => "{0} developers and every anonymous visitor can see this product.", "{0} ontwikkelaars en elke anonieme bezoeker zien dit product.";
    NeedsApproval => "Subscriptions need approval", "Abonnementen hebben goedkeuring nodig";
    InstantAccess => "Keys at once after subscribing", "Sleutels meteen na het abonneren";
    Access => "Access", "Toegang";
    LimitOf => "at most {0}; you have {1}", "hoogstens {0}; je hebt er {1}";
    Subscribe => "Subscribe", "Abonneren";
    SubscriptionNameLabel => "Name of your subscription (optional)", "Naam van je abonnement (optioneel)";
    SubscriptionNameHelp => "For example the app that will use the keys. Empty: the product's name.", "Bijvoorbeeld de app die de sleutels gebruikt. Leeg: de naam van het product.";
    AcceptProductTerms => "I accept the terms of use above", "Ik accepteer de gebruiksvoorwaarden hierboven";
    SubscribedActive => "You are subscribed. Your keys are on your Subscriptions page.", "Je bent geabonneerd. Je sleutels staan op je pagina Abonnementen.";
    SubscribedWaiting => "Your request was sent. An administrator reviews it; we will email you.", "Je aanvraag is verstuurd. Een beheerder beoordeelt hem; we mailen je.";
    GoToSubscriptions => "Go to my subscriptions", "Naar mijn abonnementen";
    MySubscriptions => "My subscriptions", "Mijn abonnementen";
    NoSubscriptionsYet => "You have no subscriptions yet", "Je hebt nog geen abonnementen";
    BrowseProducts => "Browse products", "Bekijk producten";
    Product => "Product", "Product";
    Since => "since", "sinds";
    WaitingForApproval => "Waiting for an administrator's approval. The keys work once it is approved.", "Wacht op goedkeuring van een beheerder. De sleutels werken zodra hij is goedgekeurd.";
    SuspendedKeysRefused => "Suspended by an administrator: its keys are refused until it is reactivated.", "Opgeschort door een beheerder: de sleutels worden geweigerd tot het weer actief is.";
    AdminComment => "Administrator's comment", "Toelichting van de beheerder";
    PrimaryKey => "Primary key", "Primaire sleutel";
    SecondaryKey => "Secondary key", "Secundaire sleutel";
    ShowKey => "Show", "Tonen";
    HideKey => "Hide", "Verbergen";
    CopyKey => "Copy", "Kopiëren";
    Copied => "Copied", "Gekopieerd";
    Regenerate => "Regenerate", "Opnieuw genereren";
    ConfirmRegeneratePrimary => "Regenerate the primary key?", "De primaire sleutel opnieuw genereren?";
    ConfirmRegenerateSecondary => "Regenerate the secondary key?", "De secundaire sleutel opnieuw genereren?";
    RegenerateWarning => "The current key stops working immediately. Switch your apps to the other key first if they must keep running.", "De huidige sleutel werkt meteen niet meer. Zet je apps eerst over op de andere sleutel als ze moeten blijven werken.";
    PrimaryRegenerated => "A new primary key was made; the old one no longer works.", "Er is een nieuwe primaire sleutel gemaakt; de oude werkt niet meer.";
    SecondaryRegenerated => "A new secondary key was made; the old one no longer works.", "Er is een nieuwe secundaire sleutel gemaakt; de oude werkt niet meer.";
    ConfirmCancelSubscription => "Cancel this subscription?", "Dit abonnement opzeggen?";
    CancelSubscriptionWarning => "Its keys stop working at once. This cannot be undone: to use the product again, subscribe again.", "De sleutels werken meteen niet meer. Dit kan niet ongedaan worden gemaakt: abonneer je opnieuw om het product weer te gebruiken.";
    ConfirmRejectSubscription => "Reject this request?", "Deze aanvraag afwijzen?";
    ConfirmSuspendSubscription => "Suspend this subscription?", "Dit abonnement opschorten?";
    RejectWarning => "The developer gets an email with your comment.", "De ontwikkelaar krijgt een e-mail met je toelichting.";
    SuspendWarning => "Its keys are refused from now on; the developer gets an email with your comment.", "De sleutels worden vanaf nu geweigerd; de ontwikkelaar krijgt een e-mail met je toelichting.";
    AdminCancelWarning => "Its keys stop working at once, and a cancelled subscription cannot be reactivated. The developer gets an email.", "De sleutels werken meteen niet meer, en een opgezegd abonnement kan niet worden heractiveerd. De ontwikkelaar krijgt een e-mail.";
    CommentForDeveloper => "Comment for the developer (optional)", "Toelichting voor de ontwikkelaar (optioneel)";
    SubscriptionNowIn => "{0} is now {1}.", "{0} is nu {1}.";
    AllProducts => "All products", "Alle producten";
    Developer => "Developer", "Ontwikkelaar";
    SearchDeveloperPlaceholder => "Email or name", "E-mail of naam";
    Filter => "Filter", "Filteren";
    FilterByState => "Filter by state", "Filteren op staat";
    NoSubscriptionsMatch => "No subscription matches these filters.", "Geen abonnement past bij deze filters.";
    TotalSubscriptions => "{0} subscriptions", "{0} abonnementen";
    Created => "Created", "Aangemaakt";
    Actions => "Actions", "Acties";
    NoSubscriptions => "No subscriptions.", "Geen abonnementen.";
    VisibleProducts => "Products this account can see", "Producten die dit account ziet";
    VisibleProductsHelp => "Published products, with the groups that make each one visible.", "Gepubliceerde producten, met de groepen die elk zichtbaar maken.";
    AdminSeesAll => "Administrators see every product.", "Beheerders zien elk product.";
    Via => "via", "via";
    YourName => "Your name", "Je naam";
    // sessions and sign-ins (issue 17)
    SessionsTitle => "Sessions", "Sessies";
    SessionsHelp => "Where your account is signed in. End any session you do not recognise, and change your password if one looks wrong.", "Waar je account is ingelogd. Beëindig elke sessie die je niet herkent, en wijzig je wachtwoord als er een verkeerd lijkt.";
    SessionsAdminHelp => "Where this account is signed in now.", "Waar dit account nu is ingelogd.";
    ColBrowser => "Browser", "Browser";
    ColAddress => "Address", "Adres";
    ColStarted => "Started", "Begonnen";
    ColLastActive => "Last active", "Laatst actief";
    BrowserOn => "{0} on {1}", "{0} op {1}";
    UnknownBrowser => "Unknown browser", "Onbekende browser";
    ThisSession => "This session", "Deze sessie";
    EndSession => "End session", "Sessie beëindigen";
    SignOutEverywhere => "Sign out everywhere", "Overal uitloggen";
    SignOutOthers => "Sign out everywhere else", "Overal elders uitloggen";
    ConfirmSignOutEverywhereTitle => "Sign this account out everywhere?", "Dit account overal uitloggen?";
    ConfirmSignOutEverywhereBody => "Every browser signed in to this account is signed out at its next request. The password stays as it is.", "Elke browser die met dit account is ingelogd, wordt bij het volgende verzoek uitgelogd. Het wachtwoord blijft zoals het is.";
    DoneSignedOutEverywhere => "Sessions ended: {0}.", "Beëindigde sessies: {0}.";
    DoneOtherSessionsEnded => "Your other sessions have ended.", "Je andere sessies zijn beëindigd.";
    DoneSessionEnded => "The session has ended.", "De sessie is beëindigd.";
    NoSessions => "Not signed in anywhere.", "Nergens ingelogd.";
    LastSignIn => "Last sign-in", "Laatst ingelogd";
    NeverSignedIn => "Never", "Nooit";
    SignInFilter => "Last sign-in", "Laatst ingelogd";
    AnySignIn => "Any last sign-in", "Elke laatste aanmelding";
    NotSignedInFor => "Not signed in for {0} days", "{0} dagen niet ingelogd";
    CloseAccountTitle => "Close your account", "Je account opheffen";
    CloseAccountHelp => "Closing your account deletes it at once, with your subscriptions: their keys stop working. This cannot be undone.", "Als je je account opheft, wordt het meteen verwijderd, met je abonnementen: hun sleutels werken dan niet meer. Dit kan niet ongedaan worden gemaakt.";
    CloseAccountButton => "Close my account", "Mijn account opheffen";
    ConfirmCloseAccountTitle => "Close your account for good?", "Je account definitief opheffen?";
    ConfirmCloseAccountBody => "Enter your password to confirm. You are signed out and receive an email that the account is closed.", "Voer je wachtwoord in om te bevestigen. Je wordt uitgelogd en krijgt een e-mail dat het account is opgeheven.";
    AccountClosedNotice => "Your account is closed. Thank you for using the portal.", "Je account is opgeheven. Bedankt voor het gebruik van het portaal.";
    ErrAdminClosesOwnAccount => "An administrator's account is closed by another administrator.", "Het account van een beheerder wordt door een andere beheerder opgeheven.";
}

// By name, as serde's derive would write it, but read back through one
// table: the derived reader matched every name in code of its own, 70 KB of
// the browser app.
impl Serialize for Msg {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Msg {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Name;
        impl serde::de::Visitor<'_> for Name {
            type Value = Msg;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a message name")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Msg, E> {
                Msg::from_name(v).ok_or_else(|| E::invalid_value(serde::de::Unexpected::Str(v), &self))
            }
        }
        d.deserialize_str(Name)
    }
}

impl Msg {
    pub fn name(self) -> &'static str {
        Msg::NAMES[self as usize]
    }

    pub fn from_name(name: &str) -> Option<Msg> {
        Msg::NAMES.iter().position(|n| *n == name).map(|i| Msg::ALL[i])
    }

    /// The text with `{0}`, `{1}`… replaced by `args`.
    pub fn fmt(self, lang: Lang, args: &[&dyn std::fmt::Display]) -> String {
        let mut out = self.text(lang).to_string();
        for (i, a) in args.iter().enumerate() {
            out = out.replace(&format!("{{{i}}}"), &a.to_string());
        }
        out
    }
}

/// The page's current language, shared by every component.
#[derive(Clone, Copy)]
pub struct I18n {
    pub lang: RwSignal<Lang>,
}

impl I18n {
    pub fn t(&self, msg: Msg) -> &'static str {
        msg.text(self.lang.get())
    }
}

pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

/// Reactive text for a view: `{tr(Msg::X)}`.
pub fn tr(msg: Msg) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let i18n = use_i18n();
    move || i18n.t(msg)
}

/// The language this page starts in: on the server from the request, in the
/// browser from `<html lang>` that the server rendered, so hydration matches.
pub fn initial_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .map(|parts| {
                let header =
                    |n: http::HeaderName| parts.headers.get(n).and_then(|v| v.to_str().ok()).map(str::to_owned);
                Lang::negotiate(
                    header(http::header::COOKIE).as_deref(),
                    header(http::header::ACCEPT_LANGUAGE).as_deref(),
                )
            })
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        #[cfg(feature = "hydrate")]
        {
            web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.document_element())
                .and_then(|e| e.get_attribute("lang"))
                .and_then(|c| Lang::from_code(&c))
                .unwrap_or_default()
        }
        #[cfg(not(feature = "hydrate"))]
        {
            Lang::default()
        }
    }
}

/// Remembers the choice in a cookie and relabels the page without a reload.
pub fn switch_language(i18n: I18n, lang: Lang) {
    i18n.lang.set(lang);
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            if let Some(el) = doc.document_element() {
                let _ = el.set_attribute("lang", lang.code());
            }
            if let Ok(html) = doc.dyn_into::<web_sys::HtmlDocument>() {
                let _ =
                    html.set_cookie(&format!("{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax", lang.code()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_has_both_languages() {
        for m in Msg::ALL {
            assert!(!m.text(Lang::En).trim().is_empty(), "{m:?} has no English text");
            assert!(!m.text(Lang::Nl).trim().is_empty(), "{m:?} has no Dutch text");
            let holes = |s: &str| s.matches('{').count();
            assert_eq!(holes(m.text(Lang::En)), holes(m.text(Lang::Nl)), "{m:?} placeholders differ");
        }
    }

    #[test]
    fn negotiation_prefers_cookie_then_quality() {
        assert_eq!(Lang::negotiate(None, Some("nl-NL,nl;q=0.9,en;q=0.8")), Lang::Nl);
        assert_eq!(Lang::negotiate(None, Some("de-DE,en;q=0.5,nl;q=0.7")), Lang::Nl);
        assert_eq!(Lang::negotiate(None, Some("fr")), Lang::En);
        assert_eq!(Lang::negotiate(Some("a=b; gatehouse_lang=en"), Some("nl")), Lang::En);
        assert_eq!(Lang::negotiate(None, None), Lang::En);
    }

    #[test]
    fn messages_travel_by_name() {
        for m in Msg::ALL {
            let json = serde_json::to_string(m).unwrap();
            assert_eq!(json, format!("\"{m:?}\""));
            assert_eq!(serde_json::from_str::<Msg>(&json).unwrap(), *m);
        }
        assert!(serde_json::from_str::<Msg>("\"NoSuchMessage\"").is_err());
    }

    #[test]
    fn fmt_fills_placeholders() {
        assert_eq!(Msg::Throttled.fmt(Lang::En, &[&30]), "Too many failed attempts. Try again in 30 seconds.");
    }
}
