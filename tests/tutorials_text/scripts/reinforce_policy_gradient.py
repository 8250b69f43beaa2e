# Official example "REINFORCE" (pytorch/examples reinforcement_learning/reinforce.py, linked
# from the tutorials): a policy net, Categorical sampling, normalised discounted returns.
# The code is the example's. Test substitutions (marked "[test]"):
#   * gym's CartPole-v1 is replaced by a tiny environment with the same reset/step API: the
#     state is 4 numbers, the right action is 1 when the first one is positive and earns 1;
#     an episode ends after 20 steps or at the third wrong action (an episode of one step
#     would make returns.std() NaN, in real torch too);
#   * argparse keeps its defaults (the test passes no arguments); the number of episodes is
#     capped, and the log interval is 10 as in the example;
#   * the first run (real torch) saves the initial weights, a second run (ember) loads them;
#     the eval-mode action probabilities and log-probabilities on fixed states are printed
#     and both runs must agree on them.
import argparse
import os  # [test]
import numpy as np
from itertools import count
from collections import deque
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.distributions import Categorical


parser = argparse.ArgumentParser(description='PyTorch REINFORCE example')
parser.add_argument('--gamma', type=float, default=0.99, metavar='G',
                    help='discount factor (default: 0.99)')
parser.add_argument('--seed', type=int, default=543, metavar='N',
                    help='random seed (default: 543)')
parser.add_argument('--render', action='store_true',
                    help='render the environment')
parser.add_argument('--log-interval', type=int, default=10, metavar='N',
                    help='interval between training status logs (default: 10)')
args = parser.parse_args()


class _Spec:  # [test]
    reward_threshold = 17.0

class SignEnv:  # [test] gym.make('CartPole-v1')
    spec = _Spec()

    def reset(self, seed=None):
        if seed is not None:
            self.rng = np.random.RandomState(seed)
        self.t = 0
        self.wrong = 0
        self.state = self.rng.uniform(-1, 1, size=4)
        return self.state, {}

    def step(self, action):
        right = int(action) == int(self.state[0] > 0)
        self.t += 1
        self.wrong += not right
        self.state = self.rng.uniform(-1, 1, size=4)
        done = self.wrong >= 3 or self.t >= 20
        return self.state, 1.0 if right else 0.0, done, False, {}

env = SignEnv()  # [test] gym.make('CartPole-v1', render_mode="human")
env.reset(seed=args.seed)
torch.manual_seed(args.seed)


class Policy(nn.Module):
    def __init__(self):
        super(Policy, self).__init__()
        self.affine1 = nn.Linear(4, 128)
        self.dropout = nn.Dropout(p=0.6)
        self.affine2 = nn.Linear(128, 2)

        self.saved_log_probs = []
        self.rewards = []

    def forward(self, x):
        x = self.affine1(x)
        x = self.dropout(x)
        x = F.relu(x)
        action_scores = self.affine2(x)
        return F.softmax(action_scores, dim=1)


policy = Policy()
optimizer = optim.Adam(policy.parameters(), lr=1e-2)
eps = np.finfo(np.float32).eps.item()

INIT = "reinforce_init.pt"  # [test] start both runs from the same weights
if os.path.exists(INIT):
    policy.load_state_dict(torch.load(INIT))
else:
    torch.save(policy.state_dict(), INIT)

# [test] deterministic checks: eval-mode probabilities and log_prob on fixed states
with torch.no_grad():
    policy.eval()
    states = torch.from_numpy(np.linspace(-1, 1, 8).reshape(2, 4)).float()
    probs = policy(states)
    m = Categorical(probs)
    print('probs:', [[round(v, 6) for v in row] for row in probs.tolist()])
    print('log_prob:', [round(v, 6) for v in m.log_prob(torch.tensor([0, 1])).tolist()])
    print('entropy:', [round(v, 6) for v in m.entropy().tolist()])
    print('sample:', m.sample().shape, m.sample().dtype, m.sample((3,)).shape)
    policy.train()


def select_action(state):
    state = torch.from_numpy(state).float().unsqueeze(0)
    probs = policy(state)
    m = Categorical(probs)
    action = m.sample()
    policy.saved_log_probs.append(m.log_prob(action))
    return action.item()


def finish_episode():
    R = 0
    policy_loss = []
    returns = deque()
    for r in policy.rewards[::-1]:
        R = r + args.gamma * R
        returns.appendleft(R)
    returns = torch.tensor(returns)
    returns = (returns - returns.mean()) / (returns.std() + eps)
    for log_prob, R in zip(policy.saved_log_probs, returns):
        policy_loss.append(-log_prob * R)
    optimizer.zero_grad()
    policy_loss = torch.cat(policy_loss).sum()
    policy_loss.backward()
    optimizer.step()
    del policy.rewards[:]
    del policy.saved_log_probs[:]


ep_rewards = []  # [test]


def main():
    running_reward = 10
    for i_episode in count(1):
        state, _ = env.reset()
        ep_reward = 0
        for t in range(1, 10000):  # Don't infinite loop while learning
            action = select_action(state)
            state, reward, done, _, _ = env.step(action)
            if args.render:
                env.render()
            policy.rewards.append(reward)
            ep_reward += reward
            if done:
                break

        running_reward = 0.05 * ep_reward + (1 - 0.05) * running_reward
        ep_rewards.append(ep_reward)  # [test]
        finish_episode()
        if i_episode % args.log_interval == 0:
            print('Episode {}\tLast reward: {:.2f}\tAverage reward: {:.2f}'.format(
                  i_episode, ep_reward, running_reward))
        if running_reward > env.spec.reward_threshold:
            print("Solved! Running reward is now {} and "
                  "the last episode runs to {} time steps!".format(running_reward, t))
            break
        if i_episode >= 120:  # [test] cap the run
            break
    print('mean reward, first 30 / last 30 episodes: %.2f %.2f' % (  # [test]
        np.mean(ep_rewards[:30]), np.mean(ep_rewards[-30:])))


if __name__ == '__main__':
    main()
