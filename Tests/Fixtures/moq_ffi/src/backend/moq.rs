//! `with_moq` backend: still std only, but it keeps the URL and a Vec of announced tracks,
//! which are released on disconnect (and, through Drop, when the client is destroyed).

pub const NAME: &str = "with_moq";

pub struct Session {
    url: Option<Vec<u8>>,
    tracks: Vec<Vec<u8>>,
}

impl Session {
    pub fn new() -> Session {
        Session { url: None, tracks: Vec::new() }
    }

    pub fn connect(&mut self, url: &[u8]) {
        self.url = Some(url.to_vec());
    }

    pub fn disconnect(&mut self) {
        self.url = None;
        self.tracks.clear();
        self.tracks.shrink_to_fit();
    }

    pub fn is_connected(&self) -> bool {
        self.url.is_some()
    }

    pub fn announce(&mut self, track: &[u8]) {
        self.tracks.push(track.to_vec());
    }
}
