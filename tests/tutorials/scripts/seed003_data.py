# Seed 003 (Python中的PyTorch库), "torch.utils.data": a map-style Dataset and a DataLoader.
# The code is the tutorial's, unchanged.
import torch
from torch.utils.data import Dataset, DataLoader

class MyDataset(Dataset):
  def __init__(self):
    self.data = torch.randn(100, 10)

  def __getitem__(self, index):
    return self.data[index], index

  def __len__(self):
    return len(self.data)

dataset = MyDataset()
dataloader = DataLoader(dataset, batch_size=10)

for data_batch, index_batch in dataloader:
  print(data_batch.shape, index_batch.shape)
