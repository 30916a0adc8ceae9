mod book_individual;
mod cancel;
mod queries;
mod reschedule;
