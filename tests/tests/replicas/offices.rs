//! Office-bound clients across processes (issue 26): the processes of one
//! office share its switched token through Redis; a process of another
//! office never receives it.

use accuro_tests::replicas::{RedisServer, Replica, ReplicaSetup, TokenDesk};

use crate::{ONE_AT_A_TIME, all_ok, assert_dump_is_sealed, binary, round_all};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn processes_of_one_office_share_its_token_and_another_office_gets_its_own() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(redis) = RedisServer::shared_or_start() else {
        return;
    };
    let desk = TokenDesk::start(3600).await;
    let setup = |office| ReplicaSetup {
        office,
        ..ReplicaSetup::new(&desk, &redis, 3)
    };
    // Two processes of office 1, one of office 2, one unbound: 3 clinics each.
    let mut replicas: Vec<Replica> = [Some(1), Some(1), Some(2), None]
        .into_iter()
        .map(|office| Replica::start(binary(), &setup(office)))
        .collect();
    all_ok(&round_all(&mut replicas), 3);
    all_ok(&round_all(&mut replicas), 3);
    let (requests, switches, calls) = desk.with(|s| {
        (
            s.token_requests.values().sum::<u32>(),
            s.switches.clone(),
            s.call_offices.clone(),
        )
    });
    assert_eq!(requests, 9, "a token per clinic and office (3 x 3)");
    assert_eq!(switches.len(), 6, "a switch per clinic and bound office");
    assert_eq!(calls.len(), 24);
    // Office 1's two processes made 12 calls with 3 tokens (one per clinic),
    // office 2's process 6 with 3 others, the unbound one 6 with 3 more.
    for (office, count) in [(Some(1), 12), (Some(2), 6), (None, 6)] {
        let tokens: std::collections::HashSet<&String> = calls
            .iter()
            .filter(|(_, o)| *o == office)
            .map(|(t, _)| t)
            .collect();
        let made = calls.iter().filter(|(_, o)| *o == office).count();
        assert_eq!((made, tokens.len()), (count, 3), "office {office:?}");
    }
    assert_dump_is_sealed(&redis);
}
