//! Usage on the pages: charts the server drew, each with its numbers in a
//! table, on the developer's subscriptions, administrators' product, user
//! and subscription views, and the dashboard.
use super::api::*;
use super::{CallCounts, Chart, QuotaLeft, SubscriptionUsage, TopRow, UsageCharts};
use crate::components::{format_count, format_date, format_time};
use crate::i18n::{tr, use_i18n, Msg};
use leptos::prelude::*;

fn sum(chart: &Chart) -> CallCounts {
    chart.series.points.iter().fold(CallCounts::default(), |mut a, (_, c)| {
        a.success += c.success;
        a.blocked += c.blocked;
        a.other += c.other;
        a
    })
}

/// One chart: the SVG, a caption with the totals, and a table of the numbers.
#[component]
pub fn ChartFigure(chart: Chart, title: Msg) -> impl IntoView {
    let i18n = use_i18n();
    let total = sum(&chart);
    let hourly = chart.series.step < 86_400;
    let rows = chart.series.points.clone();
    view! {
        <figure class="usage-chart" data-testid="usage-chart">
            <figcaption>
                <strong>{tr(title)}</strong>" "
                <span class="muted">{move || Msg::CallsSummary.fmt(i18n.lang.get(), &[
                    &format_count(total.total(), i18n.lang.get()),
                    &format_count(total.success, i18n.lang.get()),
                    &format_count(total.blocked, i18n.lang.get()),
                ])}</span>
            </figcaption>
            <div class="chart-box" inner_html=chart.svg></div>
            <p class="legend" aria-hidden="true">
                <span class="key key-ok"></span>{tr(Msg::Allowed)}
                <span class="key key-refused"></span>{tr(Msg::Refused)}
                <span class="key key-other"></span>{tr(Msg::OtherCalls)}
            </p>
            <details class="chart-table">
                <summary>{tr(Msg::ShowNumbers)}</summary>
                <table class="data compact">
                    <caption class="sr-only">{tr(title)}</caption>
                    <thead><tr>
                        <th scope="col">{tr(if hourly { Msg::HourUtc } else { Msg::DayUtc })}</th>
                        <th scope="col" class="num">{tr(Msg::Allowed)}</th>
                        <th scope="col" class="num">{tr(Msg::Refused)}</th>
                        <th scope="col" class="num">{tr(Msg::OtherCalls)}</th>
                    </tr></thead>
                    <tbody>
                        {rows.into_iter().map(|(t, c)| view! {
                            <tr>
                                <th scope="row">{if hourly { format_time(t) } else { format_date(t) }}</th>
                                <td class="num">{move || format_count(c.success, i18n.lang.get())}</td>
                                <td class="num">{move || format_count(c.blocked, i18n.lang.get())}</td>
                                <td class="num">{move || format_count(c.other, i18n.lang.get())}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </details>
        </figure>
    }
}

#[component]
pub fn UsageChartsView(charts: UsageCharts) -> impl IntoView {
    view! {
        <div class="chart-pair">
            <ChartFigure chart=charts.hourly title=Msg::CallsPerHour/>
            <ChartFigure chart=charts.daily title=Msg::CallsPerDay/>
        </div>
    }
}

/// Administrators' usage of one subscription, product, user or API.
#[component]
pub fn AdminUsage(kind: &'static str, uid: String) -> impl IntoView {
    let i18n = use_i18n();
    let charts = Resource::new(move || uid.clone(), move |uid| usage_of(kind.to_string(), uid));
    view! {
        <section class="card" data-testid="admin-usage">
            <h2>{tr(Msg::Usage)}</h2>
            <Transition fallback=move || view! { <p class="loading">{tr(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match charts.await {
                        Ok(c) => view! { <UsageChartsView charts=c/> }.into_any(),
                        Err(e) => view! { <p class="error-banner" role="alert">{move || e.message(i18n.lang.get())}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// "840 of 1,000 calls left until 14:00 UTC".
#[component]
pub fn QuotaBar(q: QuotaLeft) -> impl IntoView {
    let i18n = use_i18n();
    let left = (q.calls - q.used).max(0);
    view! {
        <div class="quota" data-testid="quota-left">
            <label for=format!("quota-{}", q.renews_at)>
                {move || Msg::QuotaLeft.fmt(i18n.lang.get(), &[
                    &format_count(left, i18n.lang.get()),
                    &format_count(q.calls, i18n.lang.get()),
                    &format_time(q.renews_at),
                ])}
            </label>
            <meter id=format!("quota-{}", q.renews_at) min="0" max=q.calls.to_string() value=left.to_string()
                low=(q.calls / 5).to_string() optimum=q.calls.to_string()></meter>
        </div>
    }
}

/// A subscription's usage on the developer's page.
#[component]
pub fn MyUsage(u: SubscriptionUsage) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <details class="my-usage" data-testid="my-usage" open>
            <summary>{tr(Msg::Usage)}</summary>
            {u.rate.map(|(calls, secs)| view! {
                <p class="muted" data-testid="rate-limit">{move || Msg::RateLimitIs.fmt(i18n.lang.get(), &[&calls, &secs])}</p>
            })}
            {u.quota.map(|q| view! { <QuotaBar q/> })}
            <UsageChartsView charts=u.charts/>
        </details>
    }
}

fn top_table(rows: Vec<TopRow>, href: fn(&str) -> String, label: Msg, testid: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card">
            <h2>{tr(label)}</h2>
            {if rows.is_empty() {
                view! { <p class="muted">{tr(Msg::NoCallsYet)}</p> }.into_any()
            } else {
                view! {
                    <table class="data compact" data-testid=testid>
                        <thead><tr><th>{tr(Msg::Name)}</th><th class="num">{tr(Msg::Allowed)}</th><th class="num">{tr(Msg::Refused)}</th></tr></thead>
                        <tbody>
                            {rows.into_iter().map(|r| view! {
                                <tr>
                                    <td>{if r.uid.is_empty() { view! { <span>{r.name.clone()}</span> }.into_any() } else { view! { <a href=href(&r.uid)>{r.name.clone()}</a> }.into_any() }}</td>
                                    <td class="num">{move || format_count(r.counts.success, i18n.lang.get())}</td>
                                    <td class="num">{move || format_count(r.counts.blocked, i18n.lang.get())}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}

/// The dashboard's calls over time and busiest products and subscriptions.
#[component]
pub fn DashboardUsagePanel() -> impl IntoView {
    let i18n = use_i18n();
    let usage = Resource::new(|| (), |_| usage_dashboard());
    view! {
        <Transition fallback=move || view! { <p class="loading">{tr(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match usage.await {
                    Err(e) => view! { <p class="error-banner" role="alert">{move || e.message(i18n.lang.get())}</p> }.into_any(),
                    Ok(d) => view! {
                        <section class="card" data-testid="dashboard-usage">
                            <h2>{tr(Msg::CallsOverTime)}</h2>
                            <UsageChartsView charts=d.charts/>
                        </section>
                        <div class="detail-grid">
                            {top_table(d.top_products, |u| format!("/admin/products/{u}?tab=usage"), Msg::TopProducts, "top-products")}
                            {top_table(d.top_subscriptions, |u| crate::activity::history_href("subscription", u), Msg::TopSubscriptions, "top-subscriptions")}
                        </div>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}
