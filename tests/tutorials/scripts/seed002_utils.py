# Seed 002 (pytorch学习), "pytorch工具函数": functional relu, Dropout, saving parameters, manual
# initialisation, StepLR, LayerNorm / BatchNorm2d.
# The code is the tutorial's. Test substitution (marked "[test]"): the notebook shows the value
# of each block's last expression; here it is printed.
import torch

#虚拟测试数据
x = torch.randn(2, 3)
print(torch.nn.functional.relu(x))  # [test] printed

#虚拟测试数据
x = torch.randn(2, 3)
#特征概率归零,缓解神经网络过拟合
dropout = torch.nn.Dropout(p=0.5)
print(dropout)  # [test]
print(dropout(x))  # [test]

#虚拟测试模型
model = torch.nn.Linear(3, 2)
#保存参数到磁盘
torch.save(model.state_dict(), 'temp.model')
#加载模型参数
model.load_state_dict(torch.load('temp.model'))
print(model.load_state_dict(torch.load('temp.model')))  # [test]

#虚拟测试模型
model = torch.nn.Linear(2, 3)
#手动初始化参数

#a-b之间的均匀分布
torch.nn.init.uniform_(model.state_dict()['bias'], a=5.0, b=6.0)
#正态分布
torch.nn.init.normal_(model.state_dict()['weight'], mean=7.0, std=0.0)

print(model.state_dict())  # [test] printed
print("bias in [5, 6):", bool(((model.bias >= 5) & (model.bias < 6)).all()))  # [test]

#虚拟测试模型
model = torch.nn.Linear(2, 3)

#虚拟优化器
optimizer = torch.optim.SGD(model.parameters(), lr=100.0)

#查看lr
print(optimizer.param_groups[-1]['lr'])  # [test] printed

#创建lr调整器,每2步把lr折半
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)

#虚拟10次训练
for i in range(10):
    optimizer.step()
    scheduler.step()

    #查看lr
    print(i, optimizer.param_groups[-1]['lr'])

#虚拟文字数据,2句话,每句话2个词,每个词用5个数字表示
text = torch.arange(2 * 2 * 5).reshape(2, 2, 5).float()

#LayerNorm,一般用来处理序列数据,声音或者文字
print(torch.nn.LayerNorm(normalized_shape=5, elementwise_affine=False)(text))  # [test] printed

#虚拟图像数据,2张图,单通道,5*5尺寸
image = torch.arange(2 * 1 * 5 * 5).reshape(2, 1, 5, 5).float()

#BatchNorm2d,一般用来处理图像数据
print(torch.nn.BatchNorm2d(num_features=1, affine=False)(image))  # [test] printed
