//! Paging through every record with a bounded number of pages in flight.

use std::num::NonZeroUsize;
use std::sync::Arc;

use futures::future::BoxFuture;
use futures::stream::{self, FuturesOrdered, Stream, StreamExt};
use workspaceapp_model::{
    AppConnectionInfo, Limit, ListAppConnectionRequestBody, ListAppConnectionResponse, Offset,
};

use crate::client::Client;
use crate::error::Error;

/// How [`Client::pages`] and [`Client::list_all_with`] page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageOptions {
    /// Pages requested at once (1 = one after the other).
    pub pages_in_flight: NonZeroUsize,
    /// Records per page (default: the API's maximum, 100).
    pub page_size: Limit,
}

impl PageOptions {
    /// `pages_in_flight` pages at once, 100 records each.
    pub fn new(pages_in_flight: NonZeroUsize) -> Self {
        Self {
            pages_in_flight,
            page_size: max_limit(),
        }
    }
}

fn max_limit() -> Limit {
    // The model's own upper bound is a valid value by definition.
    Limit::new(i64::from(Limit::MAX)).unwrap_or_default()
}

/// One page of [`Client::pages`]: where it starts and what the server answered.
#[derive(Clone, Debug, PartialEq)]
pub struct Page {
    /// The offset the page was requested at.
    pub offset: Offset,
    /// The server's answer.
    pub response: ListAppConnectionResponse,
}

/// A spawned page request that is cancelled when the pager lets go of it.
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl<T> std::future::Future for AbortOnDrop<T> {
    type Output = Result<T, tokio::task::JoinError>;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        std::pin::Pin::new(&mut self.0).poll(cx)
    }
}

type PageFuture = BoxFuture<'static, (i64, Result<ListAppConnectionResponse, Error>)>;

struct Pager {
    client: Client,
    body: Arc<ListAppConnectionRequestBody>,
    page_size: Limit,
    in_flight: usize,
    next_offset: i64,
    /// `count` of the latest page received; `None` before the first page (or when the server
    /// sends none).
    latest_count: Option<i64>,
    received_any: bool,
    stopped: bool,
    pending: FuturesOrdered<PageFuture>,
}

impl Pager {
    fn fill(&mut self) {
        if self.stopped {
            return;
        }
        // Until a count is known, one page at a time.
        let cap = match self.latest_count {
            Some(_) if self.received_any => self.in_flight,
            _ => 1,
        };
        while self.pending.len() < cap {
            let offset = self.next_offset;
            if self.received_any && self.latest_count.is_some_and(|count| offset >= count) {
                break;
            }
            let client = self.client.clone();
            let body = Arc::clone(&self.body);
            let limit = self.page_size;
            // Each page is its own task, so that pages in flight are also decoded in parallel
            // on a multi-threaded runtime; a page no longer needed is aborted when dropped.
            let task = AbortOnDrop(tokio::spawn(async move {
                match Offset::new(offset) {
                    Ok(o) => client.list_page(limit, o, &body).await,
                    Err(e) => Err(Error::InvalidArgument(format!(
                        "paging went past the largest offset the API takes: {e}"
                    ))),
                }
            }));
            let future: PageFuture = Box::pin(async move {
                let result = task.await.unwrap_or_else(|e| {
                    Err(Error::InvalidArgument(format!(
                        "the page task at offset {offset} ended: {e}"
                    )))
                });
                (offset, result)
            });
            self.pending.push_back(future);
            self.next_offset = offset.saturating_add(i64::from(self.page_size.get()));
        }
    }

    fn stop(&mut self) {
        self.stopped = true;
        // Pages after the last one are not needed: dropping them cancels their requests.
        self.pending = FuturesOrdered::new();
    }

    async fn next_page(mut self) -> Option<(Result<Page, Error>, Self)> {
        self.fill();
        let (offset, result) = self.pending.next().await?;
        let response = match result {
            Ok(response) => response,
            Err(error) => {
                self.stop();
                return Some((Err(error), self));
            }
        };
        self.received_any = true;
        if let Some(count) = response.count {
            self.latest_count = Some(i64::from(count));
        }
        let received = response.items.as_ref().map_or(0, Vec::len);
        let received = i64::try_from(received).unwrap_or(i64::MAX);
        let short = received < i64::from(self.page_size.get());
        let past_count = self
            .latest_count
            .is_some_and(|count| offset.saturating_add(received) >= count);
        if short || past_count {
            self.stop();
        }
        let offset = Offset::new(offset).unwrap_or_default();
        Some((Ok(Page { offset, response }), self))
    }
}

impl Client {
    /// Every page of the records matching `body`, in order.
    ///
    /// Pages are requested at offsets 0, n, 2n, ... (n = `options.page_size`). The first page
    /// is requested alone; once a `count` is known up to `options.pages_in_flight` pages are
    /// in flight, never at an offset at or past the latest `count`. `count` is read again
    /// from every page, so a total that grows while paging is followed and one that shrinks ends
    /// the paging early. Paging stops after the first page that is short (fewer than n records,
    /// including empty) or that reaches the latest `count`; pages still in flight then are
    /// dropped. Pages are yielded in offset order.
    ///
    /// With data that does not change while paging, every record is yielded exactly once.
    /// Offset paging cannot do better than the server's ordering when records are added or
    /// removed meanwhile: a record may then show up twice or be missed, as with any offset
    /// pagination.
    ///
    /// The stream ends after the first error (each page has already been retried by the
    /// [`crate::RetryPolicy`]).
    pub fn pages(
        &self,
        body: ListAppConnectionRequestBody,
        options: PageOptions,
    ) -> impl Stream<Item = Result<Page, Error>> + Send + 'static {
        let pager = Pager {
            client: self.clone(),
            body: Arc::new(body),
            page_size: options.page_size,
            in_flight: options.pages_in_flight.get(),
            next_offset: 0,
            latest_count: None,
            received_any: false,
            stopped: false,
            pending: FuturesOrdered::new(),
        };
        stream::unfold(pager, Pager::next_page)
    }

    /// Every record matching `body`, 100 per request, with the client's default number of
    /// pages in flight ([`crate::ClientBuilder::pages_in_flight`]). See [`Client::pages`] for
    /// how paging proceeds and ends.
    pub fn list_all(
        &self,
        body: ListAppConnectionRequestBody,
    ) -> impl Stream<Item = Result<AppConnectionInfo, Error>> + Send + 'static {
        self.list_all_with(body, PageOptions::new(self.inner.pages_in_flight))
    }

    /// Every record matching `body`, paged as `options` say.
    pub fn list_all_with(
        &self,
        body: ListAppConnectionRequestBody,
        options: PageOptions,
    ) -> impl Stream<Item = Result<AppConnectionInfo, Error>> + Send + 'static {
        self.pages(body, options).flat_map(|page| {
            let items: Vec<Result<AppConnectionInfo, Error>> = match page {
                Ok(page) => page
                    .response
                    .items
                    .unwrap_or_default()
                    .into_iter()
                    .map(Ok)
                    .collect(),
                Err(error) => vec![Err(error)],
            };
            stream::iter(items)
        })
    }
}
