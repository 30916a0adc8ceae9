DROP TABLE waitlist_entries;
DROP TABLE ledger_entries;
DROP TABLE booking_seats;
DROP TABLE bookings;
DROP TABLE bundle_purchases;
DROP TABLE group_session_templates;
