//! Products screens (administration) and the portal's product pages.
