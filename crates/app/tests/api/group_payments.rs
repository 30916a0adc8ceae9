//! Paying for group seats with bundles over HTTP: a credit spent on join and refunded on an
//! early leave, every bundle refusal on join and on the waitlist, and promotion passing over a
//! waitlisted student whose bundle no longer pays.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::academy::{Member, berlin};
use crate::bundles::{bought, ledger, remaining};
use crate::group_fixture::{Groups, action, ids_of, join, leave, listed, ok, seat_ids};
use crate::helpers::{Reply, TestApp, apps};

/// `POST /group-sessions/{id}/{what}` paying with `bundle`.
async fn with_bundle(app: &TestApp, session: &Value, what: &str, student: &Member, bundle: &Value) -> Reply {
    app.post(&action(session, what), Some(&student.access), json!({"bundlePurchaseId": bundle["id"]})).await
}

fn id(v: &Value) -> &str {
    v["id"].as_str().unwrap()
}

#[tokio::test]
async fn a_bundle_pays_for_a_seat_and_an_early_leave_refunds_the_credit() {
    for app in apps().await {
        let groups = Groups::new(&app, "acme").await;
        let template = groups.template(&groups.tara, "Exam prep", 5).await;
        let session = groups.session(&template, berlin(2, 10, 0)).await;
        let product = groups.academy.bundle(&groups.course_id, 2, 30, 5_000).await;
        let sam = groups.academy.student("Sam").await;
        let bundle = bought(&app, &sam, &product).await;

        let joined = ok(&with_bundle(&app, &session, "join", &sam, &bundle).await);
        let seat = &joined["seats"][0];
        assert_eq!(seat["bundlePurchaseId"], bundle["id"], "{:?}: {joined}", app.backend);
        assert_eq!(seat["priceCents"], 0, "a bundle seat costs nothing more");
        assert_eq!(remaining(&app, &sam.access, id(&bundle)).await, 1);
        let left = ok(&leave(&app, &session, &sam).await);
        assert_eq!(left["seatsTaken"], 0);
        assert_eq!(remaining(&app, &sam.access, id(&bundle)).await, 2, "left before the cancellation window");
        let kinds: Vec<String> = ledger(&app, &sam.access, id(&bundle)).await.into_iter().map(|(k, _)| k).collect();
        assert_eq!(kinds, vec!["purchase", "debit", "refund"]);
    }
}

#[tokio::test]
async fn bundles_that_cannot_pay_are_refused_on_join_and_on_the_waitlist() {
    for app in apps().await {
        let groups = Groups::new(&app, "acme").await;
        let template = groups.template(&groups.tara, "Exam prep", 2).await;
        let session = groups.session(&template, berlin(3, 10, 0)).await;
        let earlier = groups.session(&template, berlin(2, 10, 0)).await;
        let [sam, kim, s1, s2] = <[_; 4]>::try_from(groups.students("Student", 4).await).unwrap();

        let one = bought(&app, &sam, &groups.academy.bundle(&groups.course_id, 1, 30, 4_000).await).await;
        let short = bought(&app, &sam, &groups.academy.bundle(&groups.course_id, 5, 1, 4_000).await).await;
        let other_course = groups.academy.course("GRP-2", "Other").await;
        let foreign = bought(&app, &sam, &groups.academy.bundle(id(&other_course), 5, 30, 4_000).await).await;
        let kims = bought(&app, &kim, &groups.academy.bundle(&groups.course_id, 5, 30, 4_000).await).await;

        with_bundle(&app, &session, "join", &sam, &kims).await.problem(404, "not_found");
        with_bundle(&app, &session, "join", &sam, &foreign).await.problem(422, "bundle_course_mismatch");
        with_bundle(&app, &session, "join", &sam, &short).await.problem(422, "bundle_expired");
        ok(&with_bundle(&app, &earlier, "join", &sam, &one).await);
        with_bundle(&app, &session, "join", &sam, &one).await.problem(409, "bundle_exhausted");
        assert_eq!(listed(&app, &session, &groups.admin()).await["seatsTaken"], 0, "no refused join took a seat");

        ok(&join(&app, &session, &s1).await);
        ok(&join(&app, &session, &s2).await);
        with_bundle(&app, &session, "waitlist", &sam, &kims).await.problem(404, "not_found");
        with_bundle(&app, &session, "waitlist", &sam, &foreign).await.problem(422, "bundle_course_mismatch");
        with_bundle(&app, &session, "waitlist", &sam, &short).await.problem(422, "bundle_expired");
        with_bundle(&app, &session, "waitlist", &sam, &one).await.problem(409, "bundle_exhausted");
        let reply = with_bundle(&app, &session, "waitlist", &kim, &kims).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        assert_eq!(reply.json()["position"], 1);
    }
}

#[tokio::test]
async fn promotion_passes_over_a_waitlisted_bundle_that_was_spent_meanwhile() {
    for app in apps().await {
        let groups = Groups::new(&app, "acme").await;
        let template = groups.template(&groups.tara, "Exam prep", 2).await;
        let session = groups.session(&template, berlin(3, 10, 0)).await;
        let earlier = groups.session(&template, berlin(2, 10, 0)).await;
        let [s1, s2, w1, w2, w3] = <[_; 5]>::try_from(groups.students("Student", 5).await).unwrap();
        let product = groups.academy.bundle(&groups.course_id, 1, 30, 4_000).await;
        let w1_bundle = bought(&app, &w1, &product).await;
        let w3_bundle = bought(&app, &w3, &product).await;
        ok(&join(&app, &session, &s1).await);
        ok(&join(&app, &session, &s2).await);
        for (student, bundle) in [(&w1, &w1_bundle), (&w3, &w3_bundle)] {
            let reply = with_bundle(&app, &session, "waitlist", student, bundle).await;
            assert_eq!(reply.status, StatusCode::CREATED, "{:?}: {}", app.backend, reply.text);
        }
        assert_eq!(crate::group_fixture::wait(&app, &session, &w2).await.json()["position"], 3);
        // w1 spends the bundle's only credit on another session while waiting.
        ok(&with_bundle(&app, &earlier, "join", &w1, &w1_bundle).await);

        ok(&leave(&app, &session, &s1).await);
        let seen = listed(&app, &session, &groups.admin()).await;
        assert_eq!(seat_ids(&seen), ids_of(&[&s2, &w3]), "w1 is passed over, w3 is next: {seen}");
        let seat = seen["seats"].as_array().unwrap().iter().find(|s| s["studentId"] == w3.id.as_str()).unwrap();
        assert_eq!(seat["bundlePurchaseId"], w3_bundle["id"]);
        assert_eq!(seat["priceCents"], 0);
        assert_eq!(remaining(&app, &w3.access, id(&w3_bundle)).await, 0, "the promotion spent w3's credit");
        assert_eq!(remaining(&app, &w1.access, id(&w1_bundle)).await, 0);
        app.delete(&action(&session, "waitlist"), Some(&w1.access)).await.problem(404, "not_found");
        app.email(&w3.email, "A seat opened up", 0).await;

        ok(&leave(&app, &session, &s2).await);
        assert_eq!(seat_ids(&listed(&app, &session, &groups.tara).await), ids_of(&[&w2, &w3]));
        let leftover = app.delete(&action(&session, "waitlist"), Some(&w2.access)).await;
        leftover.problem(404, "not_found");
    }
}
