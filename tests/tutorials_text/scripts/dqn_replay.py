# Official tutorial "Reinforcement Learning (DQN) Tutorial"
# (intermediate_source/reinforcement_q_learning.py): replay memory, policy/target nets,
# Huber loss, soft target updates through state_dict arithmetic.
# The code is the tutorial's. Test substitutions (marked "[test]"):
#   * gym's CartPole-v1 is replaced by a tiny environment with the same reset/step API and an
#     `action_space` with `.n` and `.sample()`: the state is 4 numbers, the right action is 1
#     when the first one is positive; the episode terminates at the third wrong action and is
#     truncated after 25 steps;
#   * matplotlib's plot_durations is left out (matplotlib is not installed here); its tensor
#     code (unfold/mean/cat) runs and prints instead;
#   * BATCH_SIZE / EPS_DECAY / num_episodes are smaller;
#   * the first run (real torch) saves the initial weights, a second run (ember) loads them;
#     Python's `random` and the environment are seeded, so both runs take the same actions
#     and sample the same replay batches: the losses must agree.
import math
import random
from collections import namedtuple, deque
from itertools import count
import os  # [test]

import numpy as np  # [test]
import torch
import torch.nn as nn
import torch.optim as optim
import torch.nn.functional as F


class _Discrete:  # [test] gym.spaces.Discrete(2)
    def __init__(self, n, rng):
        self.n = n
        self.rng = rng

    def sample(self):
        return int(self.rng.randint(self.n))

class SignEnv:  # [test] gym.make("CartPole-v1")
    def __init__(self):
        self.rng = np.random.RandomState(0)
        self.action_space = _Discrete(2, np.random.RandomState(1))

    def reset(self):
        self.t = 0
        self.wrong = 0
        self.state = self.rng.uniform(-1, 1, size=4).astype(np.float32)
        return self.state, {}

    def step(self, action):
        right = action == int(self.state[0] > 0)
        self.t += 1
        self.wrong += not right
        self.state = self.rng.uniform(-1, 1, size=4).astype(np.float32)
        return self.state, 1.0 if right else 0.0, self.wrong >= 3, self.t >= 25, {}

env = SignEnv()  # [test] gym.make("CartPole-v1")

# if GPU is to be used
device = torch.device(
    "cuda" if torch.cuda.is_available() else
    "mps" if torch.backends.mps.is_available() else
    "cpu"
)

random.seed(0)  # [test]
torch.manual_seed(0)  # [test]


Transition = namedtuple('Transition',
                        ('state', 'action', 'next_state', 'reward'))


class ReplayMemory(object):

    def __init__(self, capacity):
        self.memory = deque([], maxlen=capacity)

    def push(self, *args):
        """Save a transition"""
        self.memory.append(Transition(*args))

    def sample(self, batch_size):
        return random.sample(self.memory, batch_size)

    def __len__(self):
        return len(self.memory)


class DQN(nn.Module):

    def __init__(self, n_observations, n_actions):
        super(DQN, self).__init__()
        self.layer1 = nn.Linear(n_observations, 128)
        self.layer2 = nn.Linear(128, 128)
        self.layer3 = nn.Linear(128, n_actions)

    # Called with either one element to determine next action, or a batch
    # during optimization. Returns tensor([[left0exp,right0exp]...]).
    def forward(self, x):
        x = F.relu(self.layer1(x))
        x = F.relu(self.layer2(x))
        return self.layer3(x)


# BATCH_SIZE is the number of transitions sampled from the replay buffer
# GAMMA is the discount factor as mentioned in the previous section
# EPS_START is the starting value of epsilon
# EPS_END is the final value of epsilon
# EPS_DECAY controls the rate of exponential decay of epsilon, higher means a slower decay
# TAU is the update rate of the target network
# LR is the learning rate of the ``AdamW`` optimizer
BATCH_SIZE = 32  # [test] 128
GAMMA = 0.99
EPS_START = 0.9
EPS_END = 0.01
EPS_DECAY = 300  # [test] 2500
TAU = 0.005
LR = 3e-4

# Get number of actions from gym action space
n_actions = env.action_space.n
# Get the number of state observations
state, info = env.reset()
n_observations = len(state)

policy_net = DQN(n_observations, n_actions).to(device)
target_net = DQN(n_observations, n_actions).to(device)

INIT = "dqn_init.pt"  # [test] start both runs from the same weights
if os.path.exists(INIT):
    policy_net.load_state_dict(torch.load(INIT))
else:
    torch.save(policy_net.state_dict(), INIT)

target_net.load_state_dict(policy_net.state_dict())

optimizer = optim.AdamW(policy_net.parameters(), lr=LR, amsgrad=True)
memory = ReplayMemory(10000)


steps_done = 0


def select_action(state):
    global steps_done
    sample = random.random()
    eps_threshold = EPS_END + (EPS_START - EPS_END) * \
        math.exp(-1. * steps_done / EPS_DECAY)
    steps_done += 1
    if sample > eps_threshold:
        with torch.no_grad():
            # t.max(1) will return the largest column value of each row.
            # second column on max result is index of where max element was
            # found, so we pick action with the larger expected reward.
            return policy_net(state).max(1).indices.view(1, 1)
    else:
        return torch.tensor([[env.action_space.sample()]], device=device, dtype=torch.long)


episode_durations = []
episode_rewards = []  # [test]
losses = []  # [test]


def plot_durations(show_result=False):
    # [test] the matplotlib calls are left out; the tensor code of the text runs
    durations_t = torch.tensor(episode_durations, dtype=torch.float)
    # Take 100 episode averages and plot them too
    if len(durations_t) >= 10:  # [test] 100
        means = durations_t.unfold(0, 10, 1).mean(1).view(-1)  # [test] 100
        means = torch.cat((torch.zeros(9), means))  # [test] 99
        return means
    return None


def optimize_model():
    if len(memory) < BATCH_SIZE:
        return
    transitions = memory.sample(BATCH_SIZE)
    # Transpose the batch (see https://stackoverflow.com/a/19343/3343043 for
    # detailed explanation). This converts batch-array of Transitions
    # to Transition of batch-arrays.
    batch = Transition(*zip(*transitions))

    # Compute a mask of non-final states and concatenate the batch elements
    # (a final state would've been the one after which simulation ended)
    non_final_mask = torch.tensor(tuple(map(lambda s: s is not None,
                                          batch.next_state)), device=device, dtype=torch.bool)
    non_final_next_states = torch.cat([s for s in batch.next_state
                                                if s is not None])
    state_batch = torch.cat(batch.state)
    action_batch = torch.cat(batch.action)
    reward_batch = torch.cat(batch.reward)

    # Compute Q(s_t, a) - the model computes Q(s_t), then we select the
    # columns of actions taken. These are the actions which would've been taken
    # for each batch state according to policy_net
    state_action_values = policy_net(state_batch).gather(1, action_batch)

    # Compute V(s_{t+1}) for all next states.
    # Expected values of actions for non_final_next_states are computed based
    # on the "older" target_net; selecting their best reward with max(1).values
    # This is merged based on the mask, such that we'll have either the expected
    # state value or 0 in case the state was final.
    next_state_values = torch.zeros(BATCH_SIZE, device=device)
    with torch.no_grad():
        next_state_values[non_final_mask] = target_net(non_final_next_states).max(1).values
    # Compute the expected Q values
    expected_state_action_values = (next_state_values * GAMMA) + reward_batch

    # Compute Huber loss
    criterion = nn.SmoothL1Loss()
    loss = criterion(state_action_values, expected_state_action_values.unsqueeze(1))
    losses.append(loss.item())  # [test]

    # Optimize the model
    optimizer.zero_grad()
    loss.backward()
    # In-place gradient clipping
    torch.nn.utils.clip_grad_value_(policy_net.parameters(), 100)
    optimizer.step()


num_episodes = 30  # [test] 600 / 50

for i_episode in range(num_episodes):
    # Initialize the environment and get its state
    state, info = env.reset()
    state = torch.tensor(state, dtype=torch.float32, device=device).unsqueeze(0)
    ep_reward = 0  # [test]
    for t in count():
        action = select_action(state)
        observation, reward, terminated, truncated, _ = env.step(action.item())
        ep_reward += reward  # [test]
        reward = torch.tensor([reward], device=device)
        done = terminated or truncated

        if terminated:
            next_state = None
        else:
            next_state = torch.tensor(observation, dtype=torch.float32, device=device).unsqueeze(0)

        # Store the transition in memory
        memory.push(state, action, next_state, reward)

        # Move to the next state
        state = next_state

        # Perform one step of the optimization (on the policy network)
        optimize_model()

        # Soft update of the target network's weights
        # θ′ ← τ θ + (1 −τ )θ′
        target_net_state_dict = target_net.state_dict()
        policy_net_state_dict = policy_net.state_dict()
        for key in policy_net_state_dict:
            target_net_state_dict[key] = policy_net_state_dict[key]*TAU + target_net_state_dict[key]*(1-TAU)
        target_net.load_state_dict(target_net_state_dict)

        if done:
            episode_durations.append(t + 1)
            episode_rewards.append(ep_reward)  # [test]
            means = plot_durations()
            break

print('Complete')
print('durations:', episode_durations)  # [test]
print('rewards:', episode_rewards)  # [test]
print('means:', None if means is None else [round(v, 4) for v in means.tolist()])  # [test]
print('losses:', ' '.join('%.6g' % l for l in losses[:40]))  # [test]
print('n_losses:', len(losses))  # [test]
with torch.no_grad():  # [test] the nets' Q values on a fixed state after training
    s0 = torch.tensor([[0.5, -0.2, 0.1, 0.3]])
    print('q policy:', [round(v, 5) for v in policy_net(s0)[0].tolist()])
    print('q target:', [round(v, 5) for v in target_net(s0)[0].tolist()])
