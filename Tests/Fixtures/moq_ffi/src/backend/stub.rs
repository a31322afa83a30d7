//! Default backend (`stub` feature): no network, a flag and a counter.

pub const NAME: &str = "stub";

pub struct Session {
    connected: bool,
    connects: u32,
    announced: u32,
}

impl Session {
    pub fn new() -> Session {
        Session { connected: false, connects: 0, announced: 0 }
    }

    pub fn connect(&mut self, _url: &[u8]) {
        self.connected = true;
        self.connects += 1;
    }

    pub fn disconnect(&mut self) {
        self.connected = false;
    }

    pub fn is_connected(&self) -> bool {
        self.connected
    }

    pub fn announce(&mut self, _track: &[u8]) {
        self.announced += 1;
    }
}
