//! `app seed-demo`: a demo academy created through the domain's use cases, as its admin would
//! create it over the API, then the logins printed.
//!
//! The academy "Demo Academy" (slug `demo`, Europe/Berlin, EUR) has an admin, three TAs with
//! weekly hours, three courses each taught by two TAs and selling a single session and a
//! 5-session bundle (CHEM-101 with its own cancellation and reschedule policy, the others
//! following the organization's), a group-session template per course and two group sessions
//! of each in the next two weeks, and two students. Every account has the password [`DEMO_PASSWORD`].
//!
//! Invited TAs have no password until they use their invitation link, and the seed does just
//! that with `AccountService::confirm_password_reset`, the use case behind the link. The
//! admin's and the students' addresses are verified the same way with their verification
//! links. The outbox keeps a link's token only until its email is sent (a running server's
//! worker may send it at once), so the seeder does not read links back from emails: its account
//! service generates tokens through `KeptSecrets`, which remembers each token it makes, and
//! the seeder uses those that turn out to be invitation or verification links. No use case
//! exists only for seeding. The emails are delivered like any other, with links already used.
//!
//! Running it again changes nothing: when the `demo` academy exists, it says so and prints the
//! logins and course ids again (success). When the slug `demo` belongs to an organization whose
//! admin is not `admin@demo.test`, it fails. A run interrupted halfway leaves part of the
//! academy; a later run reports it as incomplete (start again from an empty database).

mod demo_data;
mod kept_secrets;
mod report;

use std::sync::Arc;

use anyhow::{Context as _, bail};
use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc, Weekday};
use demo_data::{ADMIN, BUNDLE, COURSES, GROUP, Person, SATURDAY_HOURS, SESSION_PRICE, STUDENTS, TAS, WEEKDAY_HOURS};
use domain::accounts::{
    AccountService, InviteTa, IssuedTokens, NewAccount, NewPassword, RegisterStudent, SignUp, TokenPurpose,
};
use domain::availability::{Availability, AvailabilityService, RawAvailability, RawWeeklyHours};
use domain::catalog::{
    CatalogService, CourseCode, CourseDescription, CourseTitle, NewCourse, NewProduct, ProductKind, ProductName,
};
use domain::group_sessions::{GroupSessionService, NewTemplate};
use domain::shared::zone::Fold;
use domain::shared::{
    Actor, Cents, Currency, Email, InvalidValue, PageRequest, PersonName, RequestContext, Role, TimeZoneId, UserId,
};
use domain::store::Store;
use domain::tenancy::{OrgName, Organization, Slug};
use kept_secrets::KeptSecrets;
pub use report::{DemoCourseId, DemoLogin, SeedReport};

use crate::application::{self, Services};
use crate::settings::Settings;

/// The slug of the demo academy.
pub const DEMO_SLUG: &str = "demo";
/// The name of the demo academy.
pub const DEMO_NAME: &str = "Demo Academy";
/// The time zone of the demo academy.
pub const DEMO_TIMEZONE: &str = "Europe/Berlin";
/// The password of every demo account (it passes the password policy).
pub const DEMO_PASSWORD: &str = "demo-academy-2026!";

/// Seeds the demo academy into the database of `settings` (migrating it first, as `serve`
/// does), or finds it there.
///
/// # Errors
/// When the database cannot be reached, or the slug `demo` belongs to another organization.
pub async fn seed_demo(settings: &Settings) -> anyhow::Result<SeedReport> {
    let services = application::services(settings).await?;
    let report = run(&services).await;
    services.db.close().await?;
    report
}

async fn run(services: &Services) -> anyhow::Result<SeedReport> {
    let slug = valid("slug", Slug::parse(DEMO_SLUG))?;
    match services.store.organizations().find_by_slug(&slug).await? {
        Some(organization) => existing(&*services.store, &organization).await,
        None => Seeder::new(services).seed(slug).await,
    }
}

/// Every demo login, in the order printed.
fn logins() -> Vec<DemoLogin> {
    let login = |p: &Person, role| DemoLogin { email: p.email.to_owned(), role, name: p.name.to_owned() };
    std::iter::once(login(&ADMIN, Role::Admin))
        .chain(TAS.iter().map(|p| login(p, Role::Ta)))
        .chain(STUDENTS.iter().map(|p| login(p, Role::Student)))
        .collect()
}

/// The report of an academy found with the slug: the demo academy, if its admin is the demo's.
async fn existing(store: &dyn Store, organization: &Organization) -> anyhow::Result<SeedReport> {
    let admin = store.users().find_credentials(&organization.slug, &valid("email", Email::parse(ADMIN.email))?).await?;
    if !admin.is_some_and(|c| c.user.role == Role::Admin) {
        bail!("the slug `{DEMO_SLUG}` belongs to an organization that is not the demo academy; nothing was changed");
    }
    let page = valid("page", PageRequest::new(Some(u32::from(PageRequest::MAX_LIMIT)), None))?;
    let courses: Vec<DemoCourseId> = store
        .courses()
        .list(organization.id, &page)
        .await?
        .into_iter()
        .map(|c| DemoCourseId { code: c.code.to_string(), title: c.title.to_string(), id: c.id })
        .collect();
    let incomplete = COURSES.iter().any(|d| !courses.iter().any(|c| c.code == d.code));
    Ok(SeedReport { created: false, organization_id: organization.id, logins: logins(), courses, incomplete })
}

/// A value of the demo data, which is valid by construction (checked by the unit tests).
fn valid<T>(what: &str, value: Result<T, InvalidValue>) -> anyhow::Result<T> {
    value.with_context(|| format!("demo data: invalid {what}"))
}

/// A person's account details, with the demo password checked against the policy.
fn account(person: &Person) -> anyhow::Result<NewAccount> {
    Ok(NewAccount {
        email: valid("email", Email::parse(person.email))?,
        password: password_of(person)?,
        name: valid("name", PersonName::parse(person.name))?,
    })
}

fn password_of(person: &Person) -> anyhow::Result<NewPassword> {
    valid("password", NewPassword::parse_for_user(DEMO_PASSWORD, person.email, person.name))
}

/// The two dates of a course's group sessions: the first weekday at least two days after
/// `today` (so at least a day ahead whatever the hour), and the same weekday a week later.
fn group_session_dates(today: NaiveDate) -> [NaiveDate; 2] {
    let mut first = today + TimeDelta::days(2);
    while matches!(first.weekday(), Weekday::Sat | Weekday::Sun) {
        first += TimeDelta::days(1);
    }
    [first, first + TimeDelta::days(7)]
}

/// Creates the academy, acting as its admin.
struct Seeder<'a> {
    services: &'a Services,
    accounts: AccountService,
    secrets: Arc<KeptSecrets>,
    ctx: RequestContext,
}

impl<'a> Seeder<'a> {
    fn new(services: &'a Services) -> Self {
        let ctx = RequestContext {
            request_id: "seed-demo".to_owned(),
            ip: None,
            user_agent: Some("app seed-demo".to_owned()),
        };
        let secrets = Arc::new(KeptSecrets::default());
        let accounts = services.accounts.with_secrets(secrets.clone());
        Self { services, accounts, secrets, ctx }
    }

    async fn seed(&self, slug: Slug) -> anyhow::Result<SeedReport> {
        let timezone = valid("time zone", TimeZoneId::parse(DEMO_TIMEZONE))?;
        let sign_up = SignUp {
            name: valid("organization name", OrgName::parse(DEMO_NAME))?,
            slug: slug.clone(),
            timezone: Some(timezone),
            currency: Some(Currency::EUR),
            admin: account(&ADMIN)?,
        };
        let signed_up =
            self.accounts.sign_up(&sign_up, &self.ctx).await.with_context(|| format!("signing up {}", ADMIN.email))?;
        let admin = self.actor(&signed_up.tokens).await?;
        let mut sessions = vec![signed_up.tokens];

        let mut tas = Vec::new();
        for person in &TAS {
            let invite = InviteTa {
                email: valid("email", Email::parse(person.email))?,
                name: valid("name", PersonName::parse(person.name))?,
            };
            let ta =
                self.accounts.invite_ta(&admin, &invite).await.with_context(|| format!("inviting {}", person.email))?;
            tas.push(ta.id);
        }
        for person in &STUDENTS {
            let register = RegisterStudent { organization_slug: slug.clone(), account: account(person)? };
            let student = self
                .accounts
                .register(&register, &self.ctx)
                .await
                .with_context(|| format!("registering {}", person.email))?;
            sessions.push(student.tokens);
        }
        self.use_links(&tas).await?;
        self.set_availability(&admin, &tas).await?;
        let mut courses = self.create_courses(&admin, &tas, timezone).await?;
        courses.sort_by(|a, b| a.code.cmp(&b.code));
        for tokens in &sessions {
            let actor = self.actor(tokens).await?;
            self.accounts.logout(&actor, &tokens.refresh_token).await.context("closing a seeding session")?;
        }
        Ok(SeedReport {
            created: true,
            organization_id: admin.organization_id,
            logins: logins(),
            courses,
            incomplete: false,
        })
    }

    /// The caller a freshly issued access token authenticates.
    async fn actor(&self, tokens: &IssuedTokens) -> anyhow::Result<Actor> {
        Ok(self.accounts.authenticate(tokens.access_token.expose(), self.ctx.clone()).await?)
    }

    /// Uses every link the seeder's use cases mailed: TAs (`tas`, in the order of [`TAS`]) set
    /// the demo password with their invitation, the others verify their address. The tokens
    /// kept also include refresh tokens, which are not one-time tokens and are passed over.
    async fn use_links(&self, tas: &[UserId]) -> anyhow::Result<()> {
        let mut invited = 0;
        for (secret, hash) in self.secrets.take() {
            let Some(token) = self.services.store.one_time_tokens().find(&hash).await? else {
                continue;
            };
            match token.purpose {
                TokenPurpose::TaInvitation => {
                    let person = tas
                        .iter()
                        .position(|ta| *ta == token.user_id)
                        .map(|i| &TAS[i])
                        .with_context(|| format!("an invitation to user {} is not the demo's", token.user_id))?;
                    self.accounts
                        .confirm_password_reset(&secret, &password_of(person)?, &self.ctx)
                        .await
                        .with_context(|| format!("accepting the invitation of {}", person.email))?;
                    invited += 1;
                }
                TokenPurpose::EmailVerification => {
                    self.accounts
                        .verify_email(&secret, &self.ctx)
                        .await
                        .with_context(|| format!("verifying the address of user {}", token.user_id))?;
                }
                TokenPurpose::PasswordReset => {}
            }
        }
        if invited != TAS.len() {
            bail!("made {invited} TA invitations instead of {}", TAS.len());
        }
        Ok(())
    }

    /// Weekday hours for every TA, and Saturday mornings for the first.
    async fn set_availability(&self, admin: &Actor, tas: &[UserId]) -> anyhow::Result<()> {
        let service = AvailabilityService::new(self.services.core.clone());
        for (i, ta) in tas.iter().enumerate() {
            let hours = |weekday, (start, end): (&str, &str)| RawWeeklyHours {
                weekday,
                start: start.to_owned(),
                end: end.to_owned(),
            };
            let mut weekly: Vec<RawWeeklyHours> = (1..=5).map(|day| hours(day, WEEKDAY_HOURS)).collect();
            if i == 0 {
                weekly.push(hours(6, SATURDAY_HOURS));
            }
            let raw = RawAvailability { timezone: DEMO_TIMEZONE.to_owned(), weekly, overrides: Vec::new() };
            let availability = Availability::parse(*ta, &raw).context("demo data: invalid availability")?;
            service
                .put(admin, &availability)
                .await
                .with_context(|| format!("setting the hours of {}", TAS[i].email))?;
        }
        Ok(())
    }

    /// The courses with their TAs, products, group template and group sessions.
    async fn create_courses(
        &self,
        admin: &Actor,
        tas: &[UserId],
        timezone: TimeZoneId,
    ) -> anyhow::Result<Vec<DemoCourseId>> {
        let catalog = CatalogService::new(self.services.core.clone());
        let groups = GroupSessionService::new(self.services.core.clone());
        let today = timezone.local_date(self.services.core.now());
        let mut created = Vec::new();
        for demo in &COURSES {
            let new = NewCourse {
                code: valid("course code", CourseCode::parse(demo.code))?,
                title: valid("course title", CourseTitle::parse(demo.title))?,
                description: valid("course description", CourseDescription::parse(demo.description))?,
                policy: demo.policy,
            };
            let course = catalog.create_course(admin, &new).await.with_context(|| format!("creating {}", demo.code))?;
            for ta in demo.tas {
                catalog
                    .assign_ta(admin, course.id, tas[ta])
                    .await
                    .with_context(|| format!("assigning TAs to {}", demo.code))?;
            }
            let (sessions, days, bundle_price) = BUNDLE;
            let products = [
                (ProductKind::SingleSession, format!("{} single session", demo.code), SESSION_PRICE),
                (
                    ProductKind::Bundle { session_count: sessions, validity_days: days },
                    format!("{} {sessions}-session bundle", demo.code),
                    bundle_price,
                ),
            ];
            for (kind, name, price) in products {
                let new = NewProduct {
                    kind,
                    name: valid("product name", ProductName::parse(&name))?,
                    price: valid("price", Cents::new(price))?,
                };
                catalog.create_product(admin, course.id, &new).await.with_context(|| format!("creating {name}"))?;
            }
            let (capacity, minutes, price) = GROUP;
            let title = format!("{} study group", demo.title);
            let new = NewTemplate::parse(course.id, tas[demo.group_ta], &title, capacity, minutes, price)
                .context("demo data: invalid group template")?;
            let template = groups.create_template(admin, &new).await.with_context(|| format!("creating {title}"))?;
            for date in group_session_dates(today) {
                let starts_at = local_time(timezone, date, demo.group_hour)?;
                groups
                    .schedule(admin, template.id, starts_at)
                    .await
                    .with_context(|| format!("scheduling {title} at {starts_at}"))?;
            }
            created.push(DemoCourseId {
                code: course.code.to_string(),
                title: course.title.to_string(),
                id: course.id,
            });
        }
        Ok(created)
    }
}

/// The instant of `hour`:00 on `date` in the zone.
fn local_time(timezone: TimeZoneId, date: NaiveDate, hour: u32) -> anyhow::Result<DateTime<Utc>> {
    let local = date.and_hms_opt(hour, 0, 0).context("demo data: invalid hour")?;
    Ok(timezone.resolve(local, Fold::Earlier))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_password_passes_the_policy_for_every_account() {
        for person in std::iter::once(&ADMIN).chain(&TAS).chain(&STUDENTS) {
            assert!(password_of(person).is_ok(), "{}", person.email);
            assert!(account(person).is_ok(), "{}", person.email);
        }
    }

    #[test]
    fn the_demo_data_is_valid() {
        assert!(TimeZoneId::parse(DEMO_TIMEZONE).is_ok());
        assert!(OrgName::parse(DEMO_NAME).is_ok() && Slug::parse(DEMO_SLUG).is_ok());
        for course in &COURSES {
            assert!(CourseCode::parse(course.code).is_ok(), "{}", course.code);
            assert!(course.tas.contains(&course.group_ta), "the group TA of {} teaches it", course.code);
            assert!((9..18).contains(&course.group_hour), "{} meets inside the TAs' hours", course.code);
        }
    }

    #[test]
    fn group_sessions_fall_on_weekdays_two_to_eleven_days_ahead() {
        let monday = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        for offset in 0..7 {
            let today = monday + TimeDelta::days(offset);
            let [first, second] = group_session_dates(today);
            for date in [first, second] {
                assert!(!matches!(date.weekday(), Weekday::Sat | Weekday::Sun), "{today}: {date}");
                let ahead = (date - today).num_days();
                assert!((2..=11).contains(&ahead), "{today}: {date} is {ahead} days ahead");
            }
            assert_eq!((second - first).num_days(), 7);
        }
    }
}
